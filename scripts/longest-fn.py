#!/usr/bin/env python3
"""Longest Rust function per crate (src and tests apart).

A function's length is the lines from its `fn` line to its closing brace,
inclusive (a nested fn is counted inside its outer one and on its own).
Strings, raw strings, char literals and comments are skipped when matching
braces. Usage: longest-fn.py [ROOT] [N]  (N = rows per crate part, default 1)
"""
import os, re, subprocess, sys

root = sys.argv[1] if len(sys.argv) > 1 else "."
top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 1

def tokens(src):
    """Yield (kind, line, text) for `fn`-idents, '{', '}', ';' outside literals."""
    i, n, line = 0, len(src), 1
    while i < n:
        c = src[i]
        if c == "\n":
            line += 1; i += 1; continue
        if src.startswith("//", i):
            j = src.find("\n", i); i = n if j < 0 else j; continue
        if src.startswith("/*", i):
            depth, i = 1, i + 2
            while i < n and depth:
                if src.startswith("/*", i): depth += 1; i += 2
                elif src.startswith("*/", i): depth -= 1; i += 2
                else:
                    line += src[i] == "\n"; i += 1
            continue
        m = re.compile(r'b?r(#*)"').match(src, i)
        if m and (i == 0 or not (src[i-1].isalnum() or src[i-1] == "_")):
            end = src.find('"' + m.group(1), m.end())
            end = n if end < 0 else end + 1 + len(m.group(1))
            line += src.count("\n", i, end); i = end; continue
        if c == '"' or (c == "b" and src.startswith('b"', i)):
            i += 1 if c == '"' else 2
            while i < n and src[i] != '"':
                if src[i] == "\\": i += 1
                line += src[i] == "\n"; i += 1
            i += 1; continue
        if c == "'":
            m = re.compile(r"'(\\.[^']*|[^\\'])'").match(src, i)
            if m: i = m.end(); continue
            i += 1; continue
        if c.isalpha() or c == "_":
            m = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").match(src, i)
            if m.group() == "fn":
                nm = re.compile(r"\s+([A-Za-z_][A-Za-z0-9_]*)").match(src, m.end())
                if nm: yield ("fn", line, nm.group(1))
            i = m.end(); continue
        if c in "{};":
            yield (c, line, c)
        i += 1

def functions(path):
    src = open(path, encoding="utf-8").read()
    stack, pending, out = [], [], []   # stack of (fn name or None, start line)
    for kind, line, text in tokens(src):
        if kind == "fn":
            pending.append((text, line))
        elif kind == ";":
            if pending:
                pending.pop()   # declaration without a body (trait item, extern)
        elif kind == "{":
            if pending:
                name, start = pending.pop(); stack.append((name, start))
            else:
                stack.append((None, line))
        elif kind == "}":
            if stack:
                name, start = stack.pop()
                if name: out.append((line - start + 1, name, start))
    return out

files = subprocess.run(["git", "-C", root, "ls-files", "*.rs"], capture_output=True,
                       text=True, check=True).stdout.split()
best = {}
for f in files:
    parts = f.split("/")
    crate = parts[0]
    part = ("tests" if "tests" in parts[1:] or parts[-1] == "tests.rs"
            else "benches" if "benches" in parts[1:] else "src")
    for length, name, start in functions(os.path.join(root, f)):
        best.setdefault((crate, part), []).append((length, f"{f}:{start}", name))
for key in sorted(best):
    for length, where, name in sorted(best[key], reverse=True)[:top_n]:
        print(f"{key[0]:12} {key[1]:5} {length:4}  {name}  {where}")
