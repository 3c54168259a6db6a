#!/usr/bin/env python3
# A copy of the shared tool (shared/tools/modcycles.py), kept here so CI runs it from a clean clone.
"""Prints the cycles among a Rust crate's top-level modules (from `crate::name` references); exit 1 if any."""
import os, re, sys
src = sys.argv[1] if len(sys.argv) > 1 else "crates/core/src"
mods = {}
for root, _, files in os.walk(src):
    for f in files:
        if not f.endswith(".rs"): continue
        rel = os.path.relpath(os.path.join(root, f), src)
        top = rel.split(os.sep)[0].removesuffix(".rs")
        if top in ("lib", "main"): continue
        text = open(os.path.join(root, f), encoding="utf-8").read()
        text = re.sub(r"#\[cfg\(test\)\]\s*mod tests\s*\{.*", "", text, flags=re.S)  # unit tests may reach anywhere
        refs = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", text))
        for m in re.findall(r"\buse crate::\{([^}]*)\}", text):
            refs |= set(re.findall(r"(?:^|,)\s*([a-z_][a-z0-9_]*)", m))
        mods.setdefault(top, set()).update(r for r in refs if r != top)
mods = {m: {r for r in rs if r in mods} for m, rs in mods.items()}
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in mods[v]:
        if w not in index: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
sys.setrecursionlimit(10000)
for v in sorted(mods):
    if v not in index: visit(v)
for c in sccs: print("cycle:", " ".join(c))
print(f"{len(mods)} modules, {len(sccs)} cycles")
sys.exit(1 if sccs else 0)
