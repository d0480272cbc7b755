"""The runtime an implementation runs on, as it reported it: the hello's `runtime`
(os, libc, arch, layers) with what impls.toml adds (launcher-level layers the agent
cannot see), and the label every output names a run by.

A label is made from the implementation and its runtime only, never from the harness
machine: `ref 0.1.0 (linux/glibc 2.36 x86_64)`, `ref 0.1.0 (linux/musl x86_64)`,
`ref 0.1.0 (windows x86_64, wine 8.0)`, `node 20.11.0 (runtime not reported)`.
Pure: the layer versions impls.toml asks for are found by the caller.
"""
from __future__ import annotations

import re
from typing import Any

def version_token(text: str | None) -> str | None:
    """The first version-looking token of a command's output: dotted numbers
    ("wine-8.0" -> "8.0", "release-20240101.0" -> "20240101.0"), or a whole word
    that is a number ("v20" -> "20"); None when there is none."""
    if not text:
        return None
    for word in re.split(r"[\s,;()\[\]]+", text):
        word = word.strip()
        m = re.search(r"\d+(?:\.\d+)+[A-Za-z0-9.+~-]*", word) or \
            (re.fullmatch(r"v?(\d+)", word) and re.search(r"\d+", word))
        if m:
            return m.group(0)
    return None


def _layers(value: Any) -> list[dict]:
    out = []
    for layer in value if isinstance(value, list) else []:
        if isinstance(layer, dict) and isinstance(layer.get("name"), str):
            version = layer.get("version")
            out.append({"name": layer["name"],
                        "version": str(version) if version is not None else None})
    return out


def merged_runtime(hello: dict | None, extra_layers: list[dict] | None = None) -> dict:
    """{"os", "libc", "arch", "layers": [{"name", "version"}]} from the hello, with the
    implementation's own layers (impls.toml, versions already found) appended; a layer
    named in both keeps the hello's entry unless it has no version."""
    hello = hello if isinstance(hello, dict) else {}
    rt = hello.get("runtime") if isinstance(hello.get("runtime"), dict) else {}
    layers = _layers(rt.get("layers"))
    for extra in _layers(extra_layers or []):
        same = next((x for x in layers if x["name"] == extra["name"]), None)
        if same is None:
            layers.append(extra)
        elif same["version"] is None:
            same["version"] = extra["version"]
    return {"os": _text(rt.get("os")), "libc": _text(rt.get("libc")),
            "arch": _text(rt.get("arch")), "layers": layers}


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value) else None


def runtime_text(runtime: dict) -> str:
    """`linux/glibc 2.36 x86_64, wine 8.0`; `runtime not reported` when empty."""
    head = "/".join(x for x in (runtime.get("os"), runtime.get("libc")) if x)
    parts = [" ".join(x for x in (head, runtime.get("arch")) if x)]
    parts += [" ".join(x for x in (layer["name"], layer.get("version")) if x)
              for layer in runtime.get("layers") or []]
    text = ", ".join(p for p in parts if p)
    return text or "runtime not reported"


def label(impl: str, impl_version: str | None, runtime: dict) -> str:
    name = " ".join(x for x in (impl, impl_version) if x)
    return f"{name} ({runtime_text(runtime)})"
