// DOM helpers. Every piece of data reaches the page as a text node or an attribute value set through
// the DOM API, never parsed as HTML, so a resume or job text cannot inject markup.

// h('tag.class1#id.class2' (id and classes in any order), {attrs, on: {event: fn}}, ...children): an element. Children are nodes,
// strings (text nodes), numbers, arrays of children, or null/undefined/false (skipped).
const kProperties = new Set(['value', 'checked', 'disabled', 'selected', 'open', 'multiple']);

export function h(tag, props, ...children) {
  const name = /^[a-z0-9]*/i.exec(tag)[0];
  const id = /#([\w-]+)/.exec(tag);
  const classes = [...tag.matchAll(/\.([\w-]+)/g)].map((m) => m[1]);
  const el = document.createElement(name || 'div');
  if (id) el.id = id[1];
  if (classes.length) el.className = classes.join(' ');
  if (props !== null && props !== undefined && (typeof props !== 'object' || props instanceof Node || Array.isArray(props))) {
    children.unshift(props);
    props = null;
  }
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [event, fn] of Object.entries(value)) el.addEventListener(event, fn);
    } else if (key === 'class') {
      el.className = [el.className, value].filter(Boolean).join(' ');
    } else if (key === 'dataset') {
      Object.assign(el.dataset, value);
    } else if (kProperties.has(key)) {
      el[key] = value;  // live state, not the initial attribute
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// Replaces all children of `parent` with `children`.
export function mount(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

// A number for display: fixed decimals, or an en dash for null/undefined/NaN.
export function fmt(value, decimals = 1) {
  if (value === null || value === undefined || Number.isNaN(Number(value))) return '–';
  return Number(value).toFixed(decimals);
}

// Local date-time of an ISO-8601 string ('' for none).
export function fmtTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

// Bytes as B/KiB/MiB.
export function fmtBytes(n) {
  if (n === null || n === undefined) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

// fn delayed until `ms` milliseconds pass without another call.
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
