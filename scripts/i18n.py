#!/usr/bin/env python3
"""The translation catalogues' build steps (docs/i18n.md).

    python scripts/i18n.py extract            # add every message of src/ (and argparse's own) to each catalogue
    python scripts/i18n.py compile            # .po -> .mo beside it (package data)
    python scripts/i18n.py check              # every message has a translation; placeholders agree
    python scripts/i18n.py convert [PATH...]  # rewrite pick("中文", "English") calls into _("English") + catalogue

Exit status: 0 fine, 1 problems found (listed), 2 bad usage.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import re
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "station_app"
sys.path.insert(0, str(ROOT / "src"))

from station_app.core.catalog import Catalogue, Entry, mo_bytes, read_po, write_po  # noqa: E402
from station_app.core.i18n import DEFAULT, DOMAIN  # noqa: E402

LOCALE = SRC / "locale"
I18N_MODULE = "station_app.core.i18n"
HEADER = ("Project-Id-Version: station_app\n"
          "MIME-Version: 1.0\n"
          "Content-Type: text/plain; charset=UTF-8\n"
          "Content-Transfer-Encoding: 8bit\n"
          "Language: {lang}\n"
          "Plural-Forms: nplurals=1; plural=0;\n")
CALLS = {"_": "gettext", "N_": "gettext", "gettext": "gettext", "ngettext": "ngettext", "pgettext": "pgettext",
         "NP_": "pgettext"}


def po_path(lang: str, root: Path = SRC) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def languages(root: Path = SRC) -> list[str]:
    base = root / "locale"
    found = sorted(p.name for p in base.iterdir() if (p / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()) \
        if base.is_dir() else []
    return found or [DEFAULT]


def load(lang: str, root: Path = SRC) -> Catalogue:
    path = po_path(lang, root)
    if path.is_file():
        return read_po(path)
    return Catalogue(HEADER.format(lang=lang), [])


def save(cat: Catalogue, lang: str, root: Path = SRC) -> None:
    path = po_path(lang, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_po(cat, path)


# -- extraction ---------------------------------------------------------------------------------------------------
@dataclass
class Message:
    msgid: str
    context: str | None = None
    plural: str | None = None
    where: list[str] = field(default_factory=list)
    argparse: bool = False


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def messages_in(tree: ast.AST, where: str, *, names: dict[str, str] = CALLS) -> list[Message]:
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fn = node.func
        name = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else None
        kind = names.get(name or "")
        if kind is None:
            continue
        args = [_literal(a) for a in node.args]
        loc = f"{where}:{node.lineno}"
        if kind == "gettext" and args and args[0] is not None:
            out.append(Message(args[0], where=[loc]))
        elif kind == "ngettext" and len(args) >= 2 and args[0] is not None and args[1] is not None:
            out.append(Message(args[0], plural=args[1], where=[loc]))
        elif kind == "pgettext" and len(args) >= 2 and args[0] is not None and args[1] is not None:
            out.append(Message(args[1], context=args[0], where=[loc]))
    return out


def source_messages(root: Path = SRC) -> list[Message]:
    found: dict[tuple, Message] = {}
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        for m in messages_in(ast.parse(path.read_text(encoding="utf-8")), rel):
            found.setdefault((m.context, m.msgid), Message(m.msgid, m.context, m.plural)).where += m.where
    return list(found.values())


def argparse_messages() -> list[Message]:
    """argparse's own messages (usage:, error:, required arguments...), from the running Python's argparse."""
    import argparse as argparse_module

    tree = ast.parse(inspect.getsource(argparse_module))
    out: dict[tuple, Message] = {}
    for m in messages_in(tree, "argparse", names={"_": "gettext", "ngettext": "ngettext"}):
        m.argparse = True
        out.setdefault((m.context, m.msgid), m)
    return list(out.values())


def all_messages(root: Path = SRC) -> list[Message]:
    return source_messages(root) + argparse_messages()


def extract(root: Path = SRC) -> int:
    msgs = all_messages(root)
    for lang in languages(root):
        cat = load(lang, root)
        added = 0
        for m in msgs:
            e = cat.find(m.msgid, m.context)
            refs = ["#: " + " ".join(m.where[:3])] if m.where and not m.argparse else ["#: argparse"]
            flags = ["#, python-format"] if m.argparse and "%" in m.msgid else []
            if e is None:
                cat.entries.append(Entry(m.msgid, "", m.context, m.plural, [""] if m.plural else [], refs + flags))
                added += 1
            else:
                e.comments = [c for c in e.comments if not c.startswith("#:") and not c.startswith("#,")] + refs + flags
        save(cat, lang, root)
        print(f"{po_path(lang, root)}: {added} new message(s)")
    return 0


# -- compile and check --------------------------------------------------------------------------------------------
def compile_all(root: Path = SRC) -> int:
    for lang in languages(root):
        po = po_path(lang, root)
        mo = po.with_suffix(".mo")
        mo.write_bytes(mo_bytes(read_po(po)))
        print(f"{mo}")
    return 0


_PERCENT = re.compile(r"%(\([^)]*\))?[#0 +-]?\d*(?:\.\d+)?[sdifrxXeEgGc%]")


def placeholders(text: str, argparse_style: bool) -> list[str]:
    if argparse_style:
        return sorted(m.group(0) for m in _PERCENT.finditer(text) if m.group(0) != "%%")
    try:
        return sorted({f for _, f, _, _ in string.Formatter().parse(text) if f})
    except ValueError:
        return ["<unbalanced braces>"]


def check(root: Path = SRC) -> list[str]:
    problems: list[str] = []
    msgs = all_messages(root)
    for lang in languages(root):
        path = po_path(lang, root)
        try:
            cat = read_po(path)
        except (OSError, ValueError) as e:
            problems.append(str(e))
            continue
        for m in msgs:
            e = cat.find(m.msgid, m.context)
            if e is None:
                problems.append(f"{path}: missing {m.msgid!r} ({', '.join(m.where[:2])}); run extract")
            elif not e.translated:
                problems.append(f"{path}: no translation of {m.msgid!r} ({', '.join(m.where[:2])})")
            else:
                for text in ([e.msgstr] if e.plural is None else e.plural_strs):
                    want = set(placeholders(m.msgid, m.argparse)) | set(placeholders(m.plural or "", m.argparse))
                    got = placeholders(text, m.argparse)
                    if m.argparse and sorted(got) != sorted(placeholders(m.msgid, True)) and m.plural is None:
                        problems.append(f"{path}: placeholders of {m.msgid!r} differ: {got}")
                    elif not set(got) <= want:
                        problems.append(f"{path}: {m.msgid!r} translated with unknown placeholder(s) "
                                        f"{sorted(set(got) - want)}")
        mo = path.with_suffix(".mo")
        if mo.is_file() and mo.read_bytes() != mo_bytes(cat):
            problems.append(f"{mo}: older than {path.name}; run compile")
    return problems


# -- the pick() converter -----------------------------------------------------------------------------------------
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass
class Skipped:
    where: str
    reason: str


@dataclass
class Conversion:
    source: str
    pairs: list[tuple[str, str, str | None]]  # (English msgid, Chinese msgstr, context)
    skipped: list[Skipped]
    converted: int


class _Unconvertible(Exception):
    pass


def _placeholder_name(expr: ast.AST, used: dict[str, str], src: str) -> str:
    if isinstance(expr, ast.Name):
        base = expr.id
    elif isinstance(expr, ast.Attribute):
        base = expr.attr
    elif isinstance(expr, ast.Subscript) and isinstance(expr.slice, ast.Constant) and isinstance(expr.slice.value, str):
        base = expr.slice.value
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name):
        base = expr.func.id
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
        base = expr.func.attr
    else:
        base = "value"
    base = re.sub(r"\W", "_", base).strip("_").lower() or "value"
    if base[0].isdigit():
        base = "v_" + base
    name, i = base, 2
    while name in used and used[name] != src:
        name, i = f"{base}{i}", i + 1
    return name


def _template(node: ast.AST, names: dict[str, str], used: dict[str, str], exprs: dict[str, str]) -> str:
    """A brace-format message from a string constant or an f-string; placeholders named after their expressions."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        raise _Unconvertible("not a string literal")
    out = []
    for part in node.values:
        if isinstance(part, ast.Constant):
            out.append(str(part.value).replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(part, ast.FormattedValue)
        src = ast.unparse(part.value)
        for sub in ast.walk(part.value):
            if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and CJK.search(sub.value):
                raise _Unconvertible(f"Chinese text inside a placeholder ({src[:40]})")
            if isinstance(sub, (ast.Call, ast.NamedExpr)) and isinstance(sub, ast.NamedExpr):
                raise _Unconvertible("assignment inside a placeholder")
        name = names.get(src)
        if name is None:
            name = _placeholder_name(part.value, used, src)
            names[src], used[name], exprs[name] = name, src, src
        conv = "" if part.conversion == -1 else "!" + chr(part.conversion)
        spec = ""
        if part.format_spec is not None:
            if not all(isinstance(v, ast.Constant) for v in part.format_spec.values):  # type: ignore[attr-defined]
                raise _Unconvertible("a computed format spec")
            spec = ":" + "".join(str(v.value) for v in part.format_spec.values)  # type: ignore[attr-defined]
        out.append("{" + name + conv + spec + "}")
    return "".join(out)


def _literal_src(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _binds_underscore(tree: ast.AST) -> list[ast.Name]:
    """Names `_` bound outside comprehensions (they would shadow the translation function)."""
    comp_targets: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.comprehension):
            for sub in ast.walk(node.target):
                comp_targets.add(id(sub))
    return [n for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id == "_" and isinstance(n.ctx, ast.Store)
            and id(n) not in comp_targets]


def _offsets(source: str) -> list[int]:
    starts, total = [0], 0
    for line in source.splitlines(keepends=True):
        total += len(line)
        starts.append(total)
    return starts


def convert_source(source: str, module: str, known: dict[tuple[str | None, str], str]) -> Conversion:
    """Rewrite pick(zh, en) calls of one module. `known` maps (context, msgid) to an existing translation, so an
    English text that already means something else gets this module's name as its context."""
    tree = ast.parse(source)
    starts = _offsets(source)

    def pos(line: int, col: int) -> int:
        # ast columns are UTF-8 byte offsets
        text = source[starts[line - 1]:starts[line]]
        return starts[line - 1] + len(text.encode("utf-8")[:col].decode("utf-8"))

    fstrings = []
    for n in ast.walk(tree):
        if isinstance(n, ast.JoinedStr):
            a = pos(n.lineno, n.col_offset)
            quote = source[a:a + 5].lstrip("fFrRbBuU")[:1]
            fstrings.append((a, pos(n.end_lineno, n.end_col_offset), quote))
    edits: list[tuple[int, int, str]] = []
    pairs: list[tuple[str, str, str | None]] = []
    skipped: list[Skipped] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "pick"):
            continue
        where = f"{module}:{node.lineno}"
        start, end = pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset)
        if any(s <= start and end <= e for s, e, _ in edits):
            continue  # inside a call converted in this pass: its own turn comes in the next pass
        if len(node.args) != 2 or node.keywords:
            skipped.append(Skipped(where, "pick() without two positional texts"))
            continue
        names: dict[str, str] = {}
        used: dict[str, str] = {}
        exprs: dict[str, str] = {}
        try:
            zh = _template(node.args[0], names, used, exprs)
            zh_names = set(exprs)
            en = _template(node.args[1], names, used, exprs)
        except _Unconvertible as e:
            skipped.append(Skipped(where, str(e)))
            continue
        if zh_names != set(placeholders(en, False)):
            # e.g. pick(f"{zh}：{ids}", f"{en}: {ids}"): the texts are passed in already translated
            skipped.append(Skipped(where, "the two texts fill in different values; translate those values first"))
            continue
        if not en.strip():
            skipped.append(Skipped(where, "empty English text"))
            continue
        context = None
        if known.get((None, en), zh) != zh:
            context = module
            if known.get((context, en), zh) != zh:
                skipped.append(Skipped(where, f"{en!r} already has two other translations in this module"))
                continue
        known[(context, en)] = zh
        args = ", ".join(f"{k}={v}" for k, v in exprs.items())
        outer = [q for a, b, q in fstrings if a < start and end <= b]
        if outer:
            # before Python 3.12 an f-string's placeholder may not hold its own quote or a backslash
            q = "'" if outer[-1] == '"' else '"'
            texts = [en] + ([context] if context else [])
            if any(q in t or "\\" in t or "\n" in t or outer[-1] in t for t in texts) or \
                    any(outer[-1] in v or "\\" in v for v in exprs.values()):
                skipped.append(Skipped(where, "inside an f-string placeholder; move it out first"))
                del known[(context, en)]
                continue
            lit = lambda t: q + t + q  # noqa: E731
        else:
            lit = _literal_src
        call = f"_({lit(en)}" if context is None else f"pgettext({lit(context)}, {lit(en)}"
        call += (", " + args if args else "") + ")"
        edits.append((start, end, call))
        pairs.append((en, zh, context))
    if not edits:
        return Conversion(source, [], skipped, 0)
    shadow = _binds_underscore(tree)
    for n in shadow:
        edits.append((pos(n.lineno, n.col_offset), pos(n.end_lineno, n.end_col_offset), "_unused"))
    out = source
    for start, end, text in sorted(edits, reverse=True):
        out = out[:start] + text + out[end:]
    out = _fix_imports(out, needs_pgettext=any(c for _, _, c in pairs))
    ast.parse(out)  # the rewrite must still be Python
    return Conversion(out, pairs, skipped, len(pairs))


def _fix_imports(source: str, *, needs_pgettext: bool) -> str:
    tree = ast.parse(source)
    still_pick = any(isinstance(n, ast.Name) and n.id == "pick" and isinstance(n.ctx, ast.Load) for n in ast.walk(tree))
    wanted = {"_"} | ({"pgettext"} if needs_pgettext else set())
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == I18N_MODULE:
            names = [a.name if a.asname is None else f"{a.name} as {a.asname}" for a in node.names]
            names = [n for n in names if n != "pick" or still_pick]
            names = sorted(set(names) | wanted, key=lambda n: (n != "_", n.lower()))
            new = f"from {I18N_MODULE} import {', '.join(names)}\n"
            return "".join(lines[:node.lineno - 1]) + new + "".join(lines[node.end_lineno:])
    # no import of the i18n module yet: put one after the last top-level import
    last = max((n.end_lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))), default=0)
    new = f"from {I18N_MODULE} import {', '.join(sorted(wanted, key=lambda n: (n != '_', n)))}\n"
    return "".join(lines[:last]) + new + "".join(lines[last:])


def convert(paths: list[Path], root: Path = SRC) -> tuple[int, list[Skipped]]:
    """Rewrite the files and add their pairs to the zh_CN catalogue. Idempotent: a converted call is no longer a pick()."""
    cat = load(DEFAULT, root)
    known = {e.key: e.msgstr for e in cat.entries if e.translated}
    total, skipped = 0, []
    files = [p for path in paths for p in (sorted(path.rglob("*.py")) if path.is_dir() else [path])]
    for path in files:
        if path.resolve() == (root / "core" / "i18n.py").resolve():
            continue
        source = path.read_text(encoding="utf-8")
        if "pick(" not in source:
            continue
        try:
            rel = path.resolve().relative_to(root.parent.resolve()).with_suffix("")
            module = ".".join(rel.parts)
        except ValueError:
            module = path.stem
        pairs: list[tuple[str, str, str | None]] = []
        while True:  # a pick() inside another one's placeholder is converted in the next pass
            result = convert_source(source, module, known)
            if not result.converted:
                break
            source = result.source
            pairs += result.pairs
        skipped += result.skipped
        if not pairs:
            continue
        path.write_text(source, encoding="utf-8", newline="")
        total += len(pairs)
        for en, zh, context in pairs:
            e = cat.find(en, context)
            if e is None:
                cat.entries.append(Entry(en, zh, context, comments=[f"#: {path.name}"]))
            elif not e.msgstr:
                e.msgstr = zh
    save(cat, DEFAULT, root)
    return total, skipped


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="scripts/i18n.py", description=__doc__.split("\n\n")[0])
    p.add_argument("step", choices=["extract", "compile", "check", "convert"])
    p.add_argument("paths", nargs="*", type=Path, help="convert: files or folders (default: src/station_app)")
    p.add_argument("--root", type=Path, default=SRC, help="the station_app package folder (default: this checkout's)")
    args = p.parse_args(argv)
    root = args.root.resolve()
    if args.step == "extract":
        return extract(root)
    if args.step == "compile":
        return compile_all(root)
    if args.step == "check":
        problems = check(root)
        for line in problems:
            print(line)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    total, skipped = convert(args.paths or [root], root)
    print(f"converted {total} pick() call(s)")
    for s in skipped:
        print(f"not converted: {s.where}: {s.reason}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
