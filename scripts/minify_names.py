#!/usr/bin/env python3
"""Renames a wasm-bindgen glue's imports and exports after `wasm-opt
--minify-imports-and-exports-and-modules` renamed them in the wasm.

wasm-bindgen names every import `__wbg_<name>_<16 hex digits>`: in the content module those
names were about 8 KB of the wasm (3 KB gzipped, the hex digits do not compress). wasm-opt
gives them one- or two-letter names and prints the mapping; this rewrites the glue to match
and fails if any old name is left, so a glue that no longer fits the wasm never ships.

Usage: minify_names.py MAPPING.json GLUE.js WASM MODULE_NAME
"""
import json
import re
import sys

mapping_path, glue_path, wasm_path, module = sys.argv[1:]
mapping = json.load(open(mapping_path))
glue = open(glue_path).read()

imports = mapping["imports"]
modules = {m for m, _, _ in imports}
if modules != {"./" + module + "_bg.js"}:
    sys.exit(f"minify_names: unexpected import modules {sorted(modules)}")

def sub(pattern, repl, text, name):
    out, n = re.subn(pattern, repl, text)
    if n == 0:
        sys.exit(f"minify_names: {name} not found in {glue_path}")
    return out

for _, old, new in imports:
    # Object keys of the imports object: `__wbg_x_0123…: function(` (or an arrow function).
    glue = sub(r"(?<![\w$])" + re.escape(old) + r"(?=\s*:)", json.dumps(new), glue, old)
for old, new in mapping["exports"]:
    if not re.search(r"\bwasm\." + re.escape(old) + r"(?![\w$])", glue):
        continue  # an export this glue never calls (the runtime's own hooks)
    glue = sub(r"\bwasm\." + re.escape(old) + r"(?![\w$])", "wasm[" + json.dumps(new) + "]", glue, old)


def import_modules(path):
    """The module names of a wasm's imports (its import section, read directly)."""
    b = open(path, "rb").read()

    def leb(i):
        r = s = 0
        while True:
            x = b[i]
            i += 1
            r |= (x & 0x7F) << s
            s += 7
            if x < 0x80:
                return r, i

    def name(i):
        n, i = leb(i)
        return b[i:i + n].decode(), i + n

    i = 8
    while i < len(b):
        sid = b[i]
        size, i = leb(i + 1)
        if sid == 2:
            count, j = leb(i)
            found = set()
            for _ in range(count):
                mod, j = name(j)
                _, j = name(j)
                kind = b[j]
                j += 1
                if kind == 0:  # function: a type index
                    _, j = leb(j)
                else:
                    sys.exit("minify_names: only function imports are expected")
                found.add(mod)
            return found
        i += size
    return set()


wasm_modules = import_modules(wasm_path)
if len(wasm_modules) != 1:
    sys.exit(f"minify_names: expected one import module in {wasm_path}, found {sorted(wasm_modules)}")
new_module = wasm_modules.pop()
glue = sub(re.escape(json.dumps("./" + module + "_bg.js")) + r"(?=\s*:)", json.dumps(new_module), glue, "module")

left = [old for _, old, _ in imports if re.search(r"(?<![\w$])" + re.escape(old) + r"(?![\w$])", glue)]
left += [old for old, _ in mapping["exports"] if re.search(r"\bwasm\." + re.escape(old) + r"(?![\w$])", glue)]
if left:
    sys.exit(f"minify_names: still in the glue: {left[:5]}")
open(glue_path, "w").write(glue)
