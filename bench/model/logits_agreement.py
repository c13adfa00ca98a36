# Usage: python3 bench/model/logits_agreement.py build/release/hirelm
# Max abs difference of `hirelm logits` (last position) vs llama.cpp's logits for every reference file.
import json, subprocess, glob, os, sys
ref = os.environ.get("HIRELM_REFERENCE_DIR", os.path.join(os.path.dirname(__file__), "../../../shared/reference")) + "/tiny-qwen2"
hirelm = sys.argv[1]
rows = []
for f in sorted(glob.glob(ref + "/logits/*.json")):
    d = json.load(open(f))
    models = [ref + "/gguf/" + d["model"] + ".gguf"]
    if d["model"] == "tiny-qwen2-A-F32": models.append(ref + "/hf/tiny-qwen2-A-hf-f32")
    if d["model"] == "tiny-qwen2-A-BF16": models.append(ref + "/hf/tiny-qwen2-A-hf-bf16")
    for m in models:
        args = [hirelm, "logits", "--model", m, "--ids", ",".join(map(str, d["ids"])), "-t", "2"]
        if m.endswith("hf-f32"): args += ["--dtype", "f32"]
        if m.endswith("hf-bf16"): args += ["--dtype", "bf16"]
        out = json.loads(subprocess.run(args, capture_output=True, text=True, check=True).stdout)["logits"]
        ll = d["logits_last"]
        diff = max(abs(a - b) for a, b in zip(out, ll))
        agree = max(range(len(out)), key=out.__getitem__) == max(range(len(ll)), key=ll.__getitem__)
        rows.append((os.path.basename(m), os.path.basename(f).split(".", 1)[1][:-5], diff, agree))
for r in rows: print("%-28s %-10s max_abs %.3g argmax %s" % r)
