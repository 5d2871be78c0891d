#!/usr/bin/env python3
"""Draws docs/images/packages.png: the packages of model-defs, data-prep and spark-jobs and which refer to which
(imports and qualified names in code, not in comments or strings), reduced to the edges not implied by others
(graphviz's tred), one box per module. Needs graphviz (dot, tred).
    /usr/bin/python3 docs/tools/package_diagram.py"""
import collections
import os
import re
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = {"model-defs": "model-defs", "data-prep": "data-prep", "spark-jobs": "spark-jobs"}
NOISE = re.compile(r'/\*.*?\*/|//[^\n]*|"(?:[^"\\\n]|\\.)*"', re.S)
REFERENCE = re.compile(r"\b(io\.sparkgan(?:\.[a-z]\w*)*)\.[A-Z]")


def packages():
    deps, module_of = collections.defaultdict(set), {}
    for module in MODULES:
        for folder, _, files in os.walk(os.path.join(ROOT, module, "src/main/java")):
            for name in files:
                if not name.endswith(".java"):
                    continue
                code = NOISE.sub(" ", open(os.path.join(folder, name)).read())
                declared = re.search(r"^package ([\w.]+);", code, re.M)
                pkg = declared.group(1)
                module_of[pkg] = module
                deps[pkg]
                for ref in REFERENCE.finditer(code[declared.end():]):
                    if ref.group(1) != pkg:
                        deps[pkg].add(ref.group(1))
    return deps, module_of


def main():
    deps, module_of = packages()
    short = lambda p: p.replace("io.sparkgan.", "")
    lines = ["digraph packages {", "rankdir=BT; node [shape=box, style=rounded, fontname=Helvetica, fontsize=11];"]
    for module in MODULES:
        lines.append(f'subgraph "cluster_{module}" {{ label="{module}"; fontname=Helvetica; color=grey;')
        lines += [f'"{short(p)}";' for p in sorted(deps) if module_of[p] == module]
        lines.append("}")
    lines += [f'"{short(p)}" -> "{short(q)}";' for p in sorted(deps) for q in sorted(deps[p]) if q in module_of]
    lines.append("}")
    reduced = subprocess.run(["tred"], input="\n".join(lines), capture_output=True, text=True, check=True).stdout
    out = os.path.join(ROOT, "docs/images/packages.png")
    subprocess.run(["dot", "-Tpng", "-Gdpi=110", "-o", out], input=reduced, text=True, check=True)
    print(out)


if __name__ == "__main__":
    main()
