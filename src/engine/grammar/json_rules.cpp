#include "engine/grammar/json_rules.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "util/error.h"

namespace hirelm::grammar {
namespace {

constexpr int64_t kMaxBound = 999'999'999'999'999;  // 15 digits: bounds beyond are clamped (a subset)

bool all_of_char(const std::string& s, size_t from, char c) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] != c) return false;
  }
  return true;
}

uint64_t pow10(int n) {
  uint64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

std::string format_bound(double v) {
  std::string s = std::to_string(v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

Symbol JsonRules::ws() {
  if (!ws_) {
    Sequence newline = b_.literal("\n");
    append(newline, b_.repeat(b_.literal(" "), 0, kMaxIndentSpaces, "indent"));
    ws_ = b_.choice({{}, b_.literal(" "), newline}, "ws");
  }
  return *ws_;
}

Sequence JsonRules::comma() {
  Sequence s{ws()};
  append(s, b_.literal(","));
  s.push_back(ws());
  return s;
}

Symbol JsonRules::digit() {
  if (!digit_) digit_ = b_.bytes(ByteSet::range('0', '9'));
  return *digit_;
}

Symbol JsonRules::string_char() {
  if (string_char_) return *string_char_;
  Symbol plain = b_.code_points({{0x20, 0x21}, {0x23, 0x5B}, {0x5D, 0x10FFFF}}, false, "string-plain-char");
  ByteSet simple;
  for (char c : std::string("\"\\/bfnrt")) simple.set(static_cast<uint8_t>(c));
  ByteSet hex;
  hex.set_range('0', '9');
  hex.set_range('a', 'f');
  hex.set_range('A', 'F');
  ByteSet hex_not_d = hex;  // first hex digit of a non-surrogate: anything but d/D, or d/D then 0-7
  hex_not_d.reset('d');
  hex_not_d.reset('D');
  ByteSet d;
  d.set('d');
  d.set('D');
  Symbol h = b_.bytes(hex);
  Sequence u1 = b_.literal("\\u");
  append(u1, {b_.bytes(hex_not_d), h, h, h});
  Sequence u2 = b_.literal("\\u");
  append(u2, {b_.bytes(d), b_.bytes(ByteSet::range('0', '7')), h, h});
  Sequence esc = b_.literal("\\");
  esc.push_back(b_.bytes(simple));
  string_char_ = b_.choice({{plain}, esc, u1, u2}, "string-char");
  return *string_char_;
}

Symbol JsonRules::string(int64_t min, int64_t max) {
  auto key = std::make_pair(min, max);
  auto it = strings_.find(key);
  if (it != strings_.end()) return it->second;
  Sequence seq = b_.literal("\"");
  append(seq, b_.repeat({string_char()}, min, max, "string-chars"));
  append(seq, b_.literal("\""));
  Symbol s = b_.choice({seq}, "string");
  strings_.emplace(key, s);
  return s;
}

std::vector<Sequence> JsonRules::same_length(const std::string& lo, const std::string& hi) {
  if (lo.empty()) return {{}};
  std::vector<Sequence> out;
  const size_t rest = lo.size() - 1;
  if (lo[0] == hi[0]) {
    for (auto& tail : same_length(lo.substr(1), hi.substr(1))) {
      Sequence s{b_.byte(static_cast<uint8_t>(lo[0]))};
      append(s, tail);
      out.push_back(std::move(s));
    }
    return out;
  }
  char first = lo[0], last = hi[0];
  if (!all_of_char(lo, 1, '0')) {
    for (auto& tail : same_length(lo.substr(1), std::string(rest, '9'))) {
      Sequence s{b_.byte(static_cast<uint8_t>(lo[0]))};
      append(s, tail);
      out.push_back(std::move(s));
    }
    ++first;
  }
  if (!all_of_char(hi, 1, '9')) {
    for (auto& tail : same_length(std::string(rest, '0'), hi.substr(1))) {
      Sequence s{b_.byte(static_cast<uint8_t>(hi[0]))};
      append(s, tail);
      out.push_back(std::move(s));
    }
    --last;
  }
  if (first <= last) {
    Sequence s{b_.bytes(ByteSet::range(static_cast<uint8_t>(first), static_cast<uint8_t>(last)))};
    for (size_t i = 0; i < rest; ++i) s.push_back(digit());
    out.push_back(std::move(s));
  }
  return out;
}

// Decimal strings of the integers in [lo, hi] (hi absent: up to kMaxIntegerDigits digits).
Sequence JsonRules::digits_range(uint64_t lo, std::optional<uint64_t> hi) {
  std::vector<Sequence> alts;
  const int lo_len = static_cast<int>(std::to_string(lo).size());
  const int hi_len = hi ? static_cast<int>(std::to_string(*hi).size()) : lo_len;
  for (int len = lo_len; len <= hi_len; ++len) {
    uint64_t a = len == lo_len ? lo : pow10(len - 1);
    uint64_t z = (hi && len == hi_len) ? *hi : pow10(len) - 1;
    for (auto& s : same_length(std::to_string(a), std::to_string(z))) alts.push_back(std::move(s));
  }
  if (!hi && lo_len < kMaxIntegerDigits) {
    Sequence longer{b_.bytes(ByteSet::range('1', '9'))};
    append(longer, b_.repeat({digit()}, lo_len, kMaxIntegerDigits - 1, "digits"));
    alts.push_back(std::move(longer));
  }
  return {b_.choice(std::move(alts), "digits-range")};
}

Symbol JsonRules::integer(std::optional<int64_t> lo, std::optional<int64_t> hi) {
  if (lo) lo = std::clamp(*lo, -kMaxBound, kMaxBound);
  if (hi) hi = std::clamp(*hi, -kMaxBound, kMaxBound);
  std::vector<Sequence> alts;
  if (!hi || *hi >= 0) {
    uint64_t a = lo && *lo > 0 ? static_cast<uint64_t>(*lo) : 0;
    std::optional<uint64_t> z;
    if (hi) z = static_cast<uint64_t>(*hi);
    if (!z || a <= *z) alts.push_back(digits_range(a, z));
  }
  if (!lo || *lo < 0) {
    // Negative values v in [lo, min(hi, -1)], written "-" and the magnitude.
    uint64_t m_lo = hi && *hi < 0 ? static_cast<uint64_t>(-*hi) : 1;
    std::optional<uint64_t> m_hi;
    if (lo) m_hi = static_cast<uint64_t>(-*lo);
    if (!m_hi || m_lo <= *m_hi) {
      Sequence neg = b_.literal("-");
      append(neg, digits_range(m_lo, m_hi));
      alts.push_back(std::move(neg));
    }
  }
  return b_.choice(std::move(alts), "integer");
}

Symbol JsonRules::number(const NumberBounds& bounds, const std::string& where) {
  Sequence frac = b_.literal(".");
  append(frac, b_.repeat({digit()}, 1, kMaxFractionDigits, "fraction"));
  if (!bounds.minimum && !bounds.maximum) {
    Sequence exp{b_.bytes([] {
      ByteSet e;
      e.set('e');
      e.set('E');
      return e;
    }())};
    exp.push_back(b_.optional({b_.bytes([] {
                                 ByteSet s;
                                 s.set('+');
                                 s.set('-');
                                 return s;
                               }())},
                               "exponent-sign"));
    append(exp, b_.repeat({digit()}, 1, 2, "exponent"));
    Sequence n{integer(std::nullopt, std::nullopt), b_.optional(frac, "fraction?"), b_.optional(exp, "exponent?")};
    return b_.choice({n}, "number");
  }
  auto clamp = [](double v) { return std::clamp(v, -static_cast<double>(kMaxBound), static_cast<double>(kMaxBound)); };
  std::optional<int64_t> int_lo, int_hi;  // integer values allowed
  std::optional<int64_t> pos_lo, pos_hi;  // I in "I.F" (I >= 0), value in [I, I+1)
  std::optional<int64_t> neg_lo, neg_hi;  // K in "-K.F", value in (-(K+1), -K]
  if (bounds.minimum) {
    double lo = clamp(*bounds.minimum);
    int_lo = static_cast<int64_t>(bounds.exclusive_minimum ? std::floor(lo) + 1 : std::ceil(lo));
    pos_lo = std::max<int64_t>(0, *int_lo);
    neg_hi = static_cast<int64_t>(std::floor(-lo)) - 1;
  }
  if (bounds.maximum) {
    double hi = clamp(*bounds.maximum);
    int_hi = static_cast<int64_t>(bounds.exclusive_maximum ? std::ceil(hi) - 1 : std::floor(hi));
    pos_hi = static_cast<int64_t>(std::floor(hi)) - 1;
    neg_lo = std::max<int64_t>(0, static_cast<int64_t>(bounds.exclusive_maximum ? std::floor(-hi) + 1 : std::ceil(-hi)));
  }
  if (!pos_lo) pos_lo = 0;
  if (!neg_lo) neg_lo = 0;
  std::vector<Sequence> alts;
  if (!int_lo || !int_hi || *int_lo <= *int_hi) alts.push_back({integer(int_lo, int_hi)});
  if (!pos_hi || *pos_lo <= *pos_hi) {
    Sequence s{integer(pos_lo, pos_hi)};
    append(s, frac);
    alts.push_back(std::move(s));
  }
  if (!neg_hi || *neg_lo <= *neg_hi) {
    Sequence s = b_.literal("-");
    s.push_back(integer(neg_lo, neg_hi));
    append(s, frac);
    alts.push_back(std::move(s));
  }
  if (alts.empty()) {
    throw UnsupportedError(b_.what() + ": number range [" + (bounds.minimum ? format_bound(*bounds.minimum) : "") +
                           ", " + (bounds.maximum ? format_bound(*bounds.maximum) : "") + "] at " + where +
                           " holds no integer and no whole unit interval (not supported)");
  }
  return b_.choice(std::move(alts), "number");
}

Symbol JsonRules::any_value() {
  if (any_value_) return *any_value_;
  uint32_t value = b_.new_rule("value");
  any_value_ = GrammarBuilder::ref(value);
  Symbol str = string(0, -1);
  // array ::= "[" ws ( value ( ws "," ws value )* ws )? "]"
  Sequence more = comma();
  more.push_back(*any_value_);
  Sequence items{*any_value_, b_.star(more, "array-more"), ws()};
  Sequence array = b_.literal("[");
  array.push_back(ws());
  array.push_back(b_.optional(items, "array-items"));
  append(array, b_.literal("]"));
  b_.add_alternative(value, {any_object()});
  b_.add_alternative(value, {b_.choice({array}, "array")});
  b_.add_alternative(value, {str});
  b_.add_alternative(value, {number({}, "")});
  for (const char* lit : {"true", "false", "null"}) b_.add_alternative(value, b_.literal(lit));
  return *any_value_;
}

Symbol JsonRules::any_object() {
  if (any_object_) return *any_object_;
  uint32_t object = b_.new_rule("object");
  any_object_ = GrammarBuilder::ref(object);
  Symbol value = any_value();
  // object ::= "{" ws ( member ( ws "," ws member )* ws )? "}"
  Sequence member{string(0, -1), ws()};
  append(member, b_.literal(":"));
  member.push_back(ws());
  member.push_back(value);
  Symbol m = b_.choice({member}, "member");
  Sequence more = comma();
  more.push_back(m);
  Sequence members{m, b_.star(more, "object-more"), ws()};
  Sequence alt = b_.literal("{");
  alt.push_back(ws());
  alt.push_back(b_.optional(members, "object-members"));
  append(alt, b_.literal("}"));
  b_.add_alternative(object, alt);
  return *any_object_;
}

Symbol JsonRules::date() {
  if (date_) return *date_;
  auto cls = [&](const char* chars) {
    ByteSet s;
    for (const char* c = chars; *c; ++c) s.set(static_cast<uint8_t>(*c));
    return b_.bytes(s);
  };
  Symbol d = digit();
  Symbol d19 = b_.bytes(ByteSet::range('1', '9'));
  Symbol d12 = b_.bytes(ByteSet::range('1', '2'));
  auto seq = [&](std::initializer_list<Sequence> parts) {
    Sequence s;
    for (const auto& p : parts) append(s, p);
    return s;
  };
  Symbol day31 = b_.choice({seq({b_.literal("0"), {d19}}), {d12, d}, {cls("3"), cls("01")}}, "day31");
  Symbol day30 = b_.choice({seq({b_.literal("0"), {d19}}), {d12, d}, b_.literal("30")}, "day30");
  Symbol day28 = b_.choice({seq({b_.literal("0"), {d19}}), seq({b_.literal("1"), {d}}), seq({b_.literal("2"), {b_.bytes(ByteSet::range('0', '8'))}})}, "day28");
  Symbol m31 = b_.choice({seq({b_.literal("0"), {cls("13578")}}), seq({b_.literal("1"), {cls("02")}})}, "month31");
  Symbol m30 = b_.choice({seq({b_.literal("0"), {cls("469")}}), b_.literal("11")}, "month30");
  Sequence common{d, d, d, d, b_.byte('-')};
  Symbol month_day = b_.choice({seq({{m31}, b_.literal("-"), {day31}}), seq({{m30}, b_.literal("-"), {day30}}),
                                seq({b_.literal("02-"), {day28}})},
                               "month-day");
  common.push_back(month_day);
  // Leap years: the last two digits a non-zero multiple of 4, or "00" after a multiple of 4.
  Symbol yy4 = b_.choice({{cls("02468"), cls("48")}, {cls("13579"), cls("26")}, {cls("2468"), cls("0")}}, "yy-mod4");
  Symbol cc4 = b_.choice({{cls("02468"), cls("048")}, {cls("13579"), cls("26")}}, "cc-mod4");
  Symbol leap_year = b_.choice({{d, d, yy4}, seq({{cc4}, b_.literal("00")})}, "leap-year");
  Sequence leap{leap_year};
  append(leap, b_.literal("-02-29"));
  Sequence quoted = b_.literal("\"");
  quoted.push_back(b_.choice({common, leap}, "date"));
  append(quoted, b_.literal("\""));
  date_ = b_.choice({quoted}, "date-string");
  return *date_;
}

Symbol JsonRules::email() {
  if (email_) return *email_;
  ByteSet atom_chars;
  atom_chars.set_range('a', 'z');
  atom_chars.set_range('A', 'Z');
  atom_chars.set_range('0', '9');
  for (char c : std::string("!#$%&'*+/=?^_`{|}~-")) atom_chars.set(static_cast<uint8_t>(c));
  ByteSet alnum;
  alnum.set_range('a', 'z');
  alnum.set_range('A', 'Z');
  alnum.set_range('0', '9');
  ByteSet alnum_dash = alnum;
  alnum_dash.set('-');
  Symbol atom_char = b_.bytes(atom_chars);
  Sequence atom{atom_char, b_.star({atom_char}, "atom-chars")};
  Sequence dot_atom = b_.literal(".");
  append(dot_atom, atom);
  Sequence local = atom;
  local.push_back(b_.star(dot_atom, "local-parts"));
  // label ::= alnum ( [alnum-]* alnum )?
  Sequence label_tail{b_.star({b_.bytes(alnum_dash)}, "label-middle"), b_.bytes(alnum)};
  Symbol label = b_.choice({{b_.bytes(alnum), b_.optional(label_tail, "label-tail")}}, "label");
  Sequence label_dot{label};
  append(label_dot, b_.literal("."));
  Sequence domain{label, b_.literal(".")[0]};
  domain.push_back(b_.star(label_dot, "labels"));
  domain.push_back(label);
  Sequence quoted = b_.literal("\"");
  append(quoted, local);
  append(quoted, b_.literal("@"));
  append(quoted, domain);
  append(quoted, b_.literal("\""));
  email_ = b_.choice({quoted}, "email");
  return *email_;
}

}  // namespace hirelm::grammar
