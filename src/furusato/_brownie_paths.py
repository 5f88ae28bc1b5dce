"""Lets `brownie run` work in a checkout whose path has a dot in a folder name.

Brownie imports a script by its absolute path turned into a dotted module name (``/tmp/tmp.ab12/p/scripts/demo.py``
becomes ``tmp.tmp.ab12.p.scripts.demo``), which cannot be imported when a folder name holds a dot. ``make install``
adds a one-line ``.pth`` file to the venv that imports this module at start-up; it only registers a finder that
waits for ``brownie.project.scripts`` to be imported and then wraps its ``_import_from_path`` so that such a
script is loaded from its file instead. Paths without dots take Brownie's own route, unchanged.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any

_TARGET = "brownie.project.scripts"


def _patch(scripts: ModuleType) -> None:
    original = scripts._import_from_path
    cache: dict[str, ModuleType] = scripts._import_cache

    def import_from_path(path: Path) -> ModuleType:
        if not any("." in part for part in Path(path).parts[1:-1]):
            return original(path)  # type: ignore[no-any-return]
        key = str(path)
        name = f"furusato_brownie_script_{len(cache)}_{Path(path).stem}"
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            return original(path)  # type: ignore[no-any-return]
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        cache[key] = module
        return module

    scripts._import_from_path = import_from_path  # type: ignore[attr-defined]


class _PatchOnImport(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> ModuleSpec | None:
        if fullname != _TARGET:
            return None
        sys.meta_path.remove(self)  # once; the normal finders locate the module
        spec = importlib.util.find_spec(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader: Any = spec.loader
        exec_module = loader.exec_module

        def exec_and_patch(module: ModuleType) -> None:
            exec_module(module)
            _patch(module)

        loader.exec_module = exec_and_patch
        return spec


if _TARGET not in sys.modules and not any(isinstance(f, _PatchOnImport) for f in sys.meta_path):
    sys.meta_path.insert(0, _PatchOnImport())
