"""What changed between two versions of a template, and whether files that passed may now fail.

A change is *breaking* when rows the old template accepted may be rejected by the new one; an
admin rolling out a template change needs exactly that list before the next import. Titles,
descriptions and help texts are left out: they change no row's fate and would bury the rest.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from crmkit.headers import normalise_header
from crmkit.template import (
    BOOL_FALSE,
    BOOL_TRUE,
    Field,
    Option,
    Output,
    Template,
    spelling_key,
)


@dataclass(frozen=True)
class Change:
    """One difference between two templates, said in Chinese and English."""

    #: a stable identifier such as "field.added"
    kind: str
    #: what changed as a user names it: `header (key)`, a tag group's name, a tier's key
    subject: str
    old: str | None
    new: str | None
    #: rows the old template accepted may be rejected by the new one
    breaking: bool
    zh: str
    en: str


def diff_templates(old: Template, new: Template) -> list[Change]:
    """The changes from `old` to `new`: template-level, then fields in the new order (removed
    fields where they were), then tag groups, then tiers."""
    return [
        *_template_changes(old, new), *_field_changes(old, new),
        *_tag_changes(old, new), *_tier_changes(old, new),
    ]


def _text(value: Any) -> str | None:
    """Short text of a value for Change.old/new; None when unset (an empty list means any)."""
    if value is None or value == ():
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, tuple):
        return ", ".join(_text(v) or "" for v in value)
    return str(value)


def _range_text(bounds: tuple[float | None, float | None]) -> str | None:
    low, high = (_text(b) for b in bounds)
    if low is None or high is None:
        return f"≥{low}" if low is not None else (f"≤{high}" if high is not None else None)
    return f"{low}..{high}"


def _both(value: Any, unset: tuple[str, str] = ("不限", "any")) -> tuple[str, str]:
    """A value as the zh and en sentences show it."""
    if isinstance(value, tuple) and value and all(isinstance(v, str) for v in value):
        return "、".join(value), ", ".join(value)
    text = _text(value)
    return (text, text) if text is not None else unset


def _change(kind: str, subject: str, old: Any, new: Any, breaking: bool, zh: str, en: str,
            why: tuple[str, str] = ("", "")) -> Change:
    """A Change whose sentences go on with `why` (zh, en) after a colon, when given."""
    return Change(kind, subject, _text(old), _text(new), breaking,
                  f"{zh}：{why[0]}" if why[0] else zh, f"{en}: {why[1]}" if why[1] else en)


def _from_to(kind: str, subject: str, whose: tuple[str, str], what: tuple[str, str], old: Any,
             new: Any, breaking: bool, why: tuple[str, str] = ("", ""),
             unset: tuple[str, str] = ("不限", "any")) -> Change:
    """The common sentence: `whose` `what` changed from `old` to `new`."""
    (zh_old, en_old), (zh_new, en_new) = _both(old, unset), _both(new, unset)
    return _change(kind, subject, old, new, breaking,
                   f"{whose[0]}的{what[0]}从 {zh_old} 改为 {zh_new}",
                   f"{whose[1]} {what[1]} changed from {en_old} to {en_new}", why)


# --- template level --------------------------------------------------------------------------

_TEMPLATE = ("模板", "template")
_CALM_OUTPUT = ("只改变上传文件的写法，不影响校验",
                "only the form of the upload file changes, not validation")


def _template_changes(old: Template, new: Template) -> Iterator[Change]:
    if old.version != new.version:
        yield _from_to("template.version", new.name, _TEMPLATE, ("版本", "version"),
                       old.version, new.version, False)
    if old.region != new.region:
        yield _from_to("template.region", "region", _TEMPLATE, ("地区", "region"), old.region,
                       new.region, True, ("不带国家码的号码按新地区解读，原来通过的行可能被拒绝",
                                          "numbers without a country code are read as the new "
                                          "region's, so rows that passed may be rejected"))
    # every Output setting shapes the upload file only, so the dataclass itself is the table;
    # but the bool words are also read as input, so dropping one rejects cells that passed
    for setting in dataclasses.fields(Output):
        was, now = (getattr(t.output, setting.name) for t in (old, new))
        if was != now:
            name = f"output.{setting.name}"
            lost = setting.name == "bool" and any(
                spelling_key(w) not in {spelling_key(x) for x in (*now, *BOOL_TRUE, *BOOL_FALSE)}
                for w in was
            )
            yield _from_to("output.changed", name, ("上传文件", "upload setting"),
                           (f" {name} ", name), was, now, lost,
                           ("写旧词的是/否单元格会被拒绝", "yes/no cells written with the old "
                            "words are rejected") if lost else _CALM_OUTPUT)


# --- fields ----------------------------------------------------------------------------------


def _names(f: Field) -> tuple[str, str]:
    return f"字段「{f.header}」({f.key})", f'field "{f.header}" ({f.key})'


def _subject(f: Field) -> str:
    return f"{f.header} ({f.key})"


def _field_changes(old: Template, new: Template) -> Iterator[Change]:
    old_keys, new_keys = [f.key for f in old.fields], [f.key for f in new.fields]
    moved = _moved(old_keys, new_keys)
    # a removed field is reported after the surviving field it followed, so the list reads
    # in the new column order with the old columns still where the user remembers them
    removed_after: dict[str | None, list[Field]] = {}
    anchor: str | None = None
    for f in old.fields:
        if f.key in new_keys:
            anchor = f.key
        else:
            removed_after.setdefault(anchor, []).append(f)
    yield from map(_removed, removed_after.get(None, []))
    for i, g in enumerate(new.fields):
        before = old.field(g.key)
        if before is None:
            yield _added(g)
            continue
        if g.key in moved:
            # said relative to its new neighbour: a column number alone may not even change
            (zh, en), prev = _names(g), new.fields[i - 1].header
            to = ((f"移到「{prev}」之后", f'moved after "{prev}"') if i
                  else ("移到最前", "moved to the front"))
            yield _change("field.moved", _subject(g), old_keys.index(g.key) + 1, i + 1, False,
                          f"{zh}{to[0]}（第 {i + 1} 列）", f"{en} {to[1]} (column {i + 1})",
                          ("只影响上传文件的列顺序", "only the upload file's column order changes"))
        yield from _changed(before, g)
        yield from map(_removed, removed_after.get(g.key, []))


def _moved(old_keys: list[str], new_keys: list[str]) -> set[str]:
    """Fields outside the longest runs kept in order: inserting one column moves no other."""
    a = [k for k in old_keys if k in new_keys]
    b = [k for k in new_keys if k in old_keys]
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    return set(a) - {k for m in blocks for k in a[m.a:m.a + m.size]}


def _added(g: Field) -> Change:
    zh, en = _names(g)
    breaking = g.required and g.default is None
    why = (("旧文件没有这一列，会被拒绝", "files without this column are rejected") if breaking
           else (f"旧文件缺这一列时填默认值「{g.default}」",
                 f'files without this column get the default "{g.default}"') if g.required
           else ("旧文件没有这一列也能导入", "files without this column still import"))
    what = ("必填", "required") if g.required else ("可选", "optional")
    return _change("field.added", _subject(g), None, g.header, breaking,
                   f"新增{what[0]}{zh}", f"new {what[1]} {en}", why)


def _removed(f: Field) -> Change:
    zh, en = _names(f)
    return _change("field.removed", _subject(f), f.header, None, False, f"删除{zh}",
                   f"{en} removed",
                   ("文件里的这一列不再导入", "that column of a file is no longer imported"))


def _matches(f: Field) -> set[str]:
    # the names a header cell is matched against, as crmkit.headers matches them
    return {normalise_header(n) for n in (f.key, f.header, *f.aliases)}


#: attribute, kind when switched on, kind when switched off, breaking when switched on, then
#: the (zh, en) wording and reason for switching on, and for switching off
_FLAGS = (
    ("required", "field.required", "field.optional", True, ("改为必填", "made required"),
     ("该列为空的行会被拒绝", "rows with this cell empty are rejected"),
     ("改为可选", "made optional"), ("", "")),
    ("unique", "field.unique", "field.not_unique", True, ("改为不可重复", "made unique"),
     ("值重复的行会被拒绝", "rows repeating a value are rejected"),
     ("不再要求不重复", "no longer unique"), ("", "")),
    ("multiple", "field.multiple", "field.multiple", False,
     ("改为一格可填多人", "now takes several people in one cell"), ("", ""),
     ("改为一格只能填一人", "now takes one person per cell"),
     ("填了多人的行会被拒绝", "cells naming several are rejected")),
)


def _lowered(was: Any, now: Any) -> bool:
    return now is not None and (was is None or now < was)


def _raised(was: Any, now: Any) -> bool:
    return now is not None and (was is None or now > was)


def _narrowed(was: tuple[str, ...], now: tuple[str, ...]) -> bool:
    # an empty list accepts anything, so any list replacing it narrows
    return bool(now) and (not was or bool(set(was) - set(now)))


@dataclass(frozen=True)
class _Rule:
    kind: str
    get: Callable[[Field], Any]
    #: the rule's name in the sentences (zh, en)
    name: tuple[str, str]
    #: (old, new) -> values the old rule accepted may fail the new one
    tighter: Callable[[Any, Any], bool]
    why: tuple[str, str]
    show: Callable[[Any], Any] = lambda value: value
    unset: tuple[str, str] = ("不限", "any")
    #: said when the change is not breaking but still changes the upload
    calm: tuple[str, str] = ("", "")


_RULES = (
    _Rule("field.max_length", lambda f: f.max_length, ("最大长度", "max length"), _lowered,
          ("更长的值会被拒绝", "longer values are rejected")),
    _Rule("field.min_length", lambda f: f.min_length, ("最小长度", "min length"), _raised,
          ("更短的值会被拒绝", "shorter values are rejected")),
    _Rule("field.pattern", lambda f: f.pattern, ("格式", "pattern"),
          lambda was, now: now is not None and now != was,
          ("不符合新格式的值会被拒绝", "values not matching the new pattern are rejected")),
    _Rule("field.number_types", lambda f: f.number_types, ("号码类型", "number types"),
          _narrowed, ("其他类型的号码会被拒绝", "numbers of other types are rejected")),
    _Rule("field.regions", lambda f: f.regions, ("号码地区", "regions"), _narrowed,
          ("其他地区的号码会被拒绝", "numbers of other regions are rejected")),
    _Rule("field.range", lambda f: (f.minimum, f.maximum), ("取值范围", "range"),
          lambda was, now: _raised(was[0], now[0]) or _lowered(was[1], now[1]),
          ("超出新范围的数会被拒绝", "numbers outside the new range are rejected"),
          show=_range_text),
    _Rule("field.decimals", lambda f: f.decimals, ("小数位数", "decimals"), _lowered,
          ("小数位更多的数会被拒绝", "numbers with more decimals are rejected")),
    # ymd reads year-first dates only, which every order reads: leaving it loses nothing.
    _Rule("field.date_order", lambda f: f.date_order, ("日期顺序", "date order"),
          lambda was, now: was != now and was != "ymd",
          ("按旧顺序写的日期会被误读或拒绝", "dates in the old order are misread or rejected")),
    # Losing a default makes empty cells (and a missing column) fail a required field; the
    # rule sees only the value, so _changed flags that case.
    _Rule("field.default", lambda f: f.default, ("默认值", "default"),
          lambda was, now: was is not None and now is None,
          ("必填字段的空单元格会被拒绝", "empty cells of a required field are rejected"),
          unset=("无", "none"),
          calm=("空单元格写入的值随之改变", "empty cells are written with the new default")),
)


def _changed(f: Field, g: Field) -> Iterator[Change]:
    """The changes of one field kept under its key, but for its move."""
    zh, en = _names(g)
    if f.header != g.header:
        still = normalise_header(f.header) in _matches(g)
        yield _change("field.renamed", _subject(g), f.header, g.header, not still,
                      f"字段 {g.key} 从「{f.header}」改名为「{g.header}」",
                      f'field {g.key} renamed from "{f.header}" to "{g.header}"',
                      ("旧列名仍能识别", "the old header still maps") if still else
                      ("旧列名不是别名，用它的文件对不上这一列",
                       "the old header is not an alias, so files using it no longer map"))
    if f.type != g.type:
        yield _from_to("field.retyped", _subject(g), (zh, en), ("类型", "type"), f.type, g.type,
                       True, ("原来通过的值可能被拒绝", "values that passed may be rejected"))
    for attr, on_kind, off_kind, on_breaks, on, on_why, off, off_why in _FLAGS:
        was, now = getattr(f, attr), getattr(g, attr)
        if was != now:
            what, why, breaking = (on, on_why, on_breaks) if now else (off, off_why, not on_breaks)
            if attr == "required" and now and g.default is not None:
                # the default fills an empty cell, so no row fails for leaving it empty
                breaking, why = False, (f"空单元格用默认值「{g.default}」",
                                        f'empty cells get the default "{g.default}"')
            yield _change(on_kind if now else off_kind, _subject(g), was, now, breaking,
                          f"{zh}{what[0]}", f"{en} {what[1]}", why)
    if set(f.aliases) != set(g.aliases):
        lost = [a for a in f.aliases if normalise_header(a) not in _matches(g)]
        yield _aliases("field.aliases", _subject(g), (zh, en), f.aliases, g.aliases, lost, (
            "用{}做列名的文件对不上这一列", "files using {} as the header no longer map"))
    for rule in _RULES:
        was, now = rule.get(f), rule.get(g)
        if was != now:
            breaking = rule.tighter(was, now)
            if rule.kind == "field.default":
                breaking = breaking and g.required
            yield _from_to(rule.kind, _subject(g), (zh, en), rule.name, rule.show(was),
                           rule.show(now), breaking, rule.why if breaking else rule.calm,
                           rule.unset)
    # options only mean something on a choice field, and a retype is reported already
    if f.type == g.type == "choice":
        yield from _option_changes(g, f.options, g.options)


def _aliases(kind: str, subject: str, whose: tuple[str, str], was: tuple[str, ...],
             now: tuple[str, ...], lost: list[str], why: tuple[str, str]) -> Change:
    """An alias list changed; breaking when an alias that no longer matches is `lost`.
    The sentences name only the aliases dropped and added: whole lists run long."""
    def quoted(names: list[str]) -> tuple[str, str]:
        return "".join(f"「{a}」" for a in names), ", ".join(f'"{a}"' for a in names)

    dropped = [a for a in was if a not in now]
    gone, came = quoted(dropped), quoted([a for a in now if a not in was])
    # name the lost aliases again only when some dropped ones still match
    them = ("去掉的别名", "a dropped one") if lost == dropped else quoted(lost)
    zh = "，".join(f"{verb}别名{names}" for verb, names in (("去掉", gone[0]), ("新增", came[0]))
                  if names)
    en = " and ".join(f"{verb} aliases {names}" for verb, names in (("drops", gone[1]),
                                                                   ("adds", came[1])) if names)
    return _change(kind, subject, was, now, bool(lost), f"{whose[0]}{zh}", f"{whose[1]} {en}",
                   (why[0].format(them[0]), why[1].format(them[1]))
                   if lost else ("", ""))


def _option_changes(g: Field, was: tuple[Option, ...], now: tuple[Option, ...]) -> Iterator[Change]:
    zh, en = _names(g)
    before, after = {o.value: o for o in was}, {o.value: o for o in now}
    for o in now:
        p = before.get(o.value)
        if p is None:
            yield _change("option.added", _subject(g), None, o.value, False,
                          f"{zh}新增选项「{o.value}」", f'{en} gains option "{o.value}"')
        elif set(p.aliases) != set(o.aliases):
            names = {spelling_key(n) for n in (o.value, *o.aliases)}
            yield _aliases("option.aliases", f"{_subject(g)}: {o.value}",
                           (f"{zh}选项「{o.value}」", f'{en} option "{o.value}"'),
                           p.aliases, o.aliases,
                           [a for a in p.aliases if spelling_key(a) not in names],
                           ("写{}的行会被拒绝", "rows writing {} are rejected"))
    still = {spelling_key(n) for o in now for n in (o.value, *o.aliases)}
    # An option renamed with its old value kept as an alias still accepts the old cells.
    for p in (p for p in was if p.value not in after and spelling_key(p.value) not in still):
        yield _change("option.removed", _subject(g), p.value, None, True,
                      f"{zh}删除选项「{p.value}」", f'{en} loses option "{p.value}"',
                      ("填这个值的行会被拒绝", "rows with this value are rejected"))


# --- tag groups ------------------------------------------------------------------------------


def _tag_changes(old: Template, new: Template) -> Iterator[Change]:
    """Per crmkit.tags: a tag written plain must be in exactly one group, and group:tag must
    name its group; with no groups at all any tag passes."""
    before, names = {g.name: g for g in old.tag_groups}, {g.name for g in new.tag_groups}
    old_groups, new_groups = _groups_of(old), _groups_of(new)

    def clash(tags: tuple[str, ...], group: str) -> tuple[bool, tuple[str, str]]:
        # a tag that was in one group and is now in two can no longer be written plain
        hit = next((t for t in tags if len(old_groups.get(t, ())) == 1
                    and len(new_groups[t]) > 1), None)
        if hit is None:
            return False, ("", "")
        other = next(n for n in new_groups[hit] if n != group)
        return True, (f"「{hit}」也在「{other}」里，不写组名的「{hit}」会被拒绝",
                      f'"{hit}" is also in "{other}", so a plain "{hit}" is rejected')

    for g in new.tag_groups:
        o, zh, en = before.get(g.name), f"标签组「{g.name}」", f'tag group "{g.name}"'
        if o is None:
            tags = _both(g.tags, ("", ""))
            # without groups any tag passes; with them a tag must belong to one
            breaking, why = (True, ("旧模板不限标签，现在不在任何组里的标签会被拒绝",
                                    "the old template took any tag, now tags in no group are "
                                    "rejected")) if not old.tag_groups else clash(g.tags, g.name)
            yield _change("tag_group.added", g.name, None, g.tags, breaking,
                          f"新增{zh}（{tags[0]}）", f"new {en} ({tags[1]})", why)
            continue
        if o.exclusive != g.exclusive:
            yield _change("tag_group.exclusive", g.name, o.exclusive, g.exclusive, g.exclusive,
                          zh + ("改为单选" if g.exclusive else "改为可多选"),
                          en + (" made exclusive" if g.exclusive else " no longer exclusive"),
                          ("同一客户带多个该组标签的行会被拒绝",
                           "rows with several of its tags are rejected")
                          if g.exclusive else ("", ""))
        for t in (t for t in g.tags if t not in o.tags):
            came = next((n for n in old_groups.get(t, ()) if n != g.name), None)
            breaking, why = clash((t,), g.name)
            yield _change("tag.added", g.name, None, t, breaking,
                          f"{zh}新增标签「{t}」", f'{en} gains tag "{t}"',
                          why if breaking else (f"从「{came}」移来", f'moved from "{came}"')
                          if came else ("", ""))
        for t in (t for t in o.tags if t not in g.tags):
            went = new_groups.get(t)
            yield _change("tag.removed", g.name, t, None, True,
                          f"{zh}删除标签「{t}」", f'{en} loses tag "{t}"',
                          (f"它移到了「{went[0]}」，写成「{g.name}:{t}」的行会被拒绝",
                           f'it moved to "{went[0]}": rows writing "{g.name}:{t}" are rejected')
                          if went else ("带它的行会被拒绝", "rows with it are rejected"))
    for o in (o for o in old.tag_groups if o.name not in names):
        # with no groups left any tag passes again
        lost = tuple(t for t in o.tags if t not in new_groups)
        why = (("新模板没有标签组，任何标签都接受", "the new template has no tag groups")
               if not new.tag_groups else
               (f"它的标签（{_both(lost)[0]}）不再认识，带这些标签的行会被拒绝",
                f"its tags ({_both(lost)[1]}) become unknown and rows with them are rejected")
               if lost else (f"它的标签都在别的组里，写成「{o.name}:标签」的行会被拒绝",
                             f'its tags are in other groups: rows writing "{o.name}:tag" are '
                             "rejected"))
        yield _change("tag_group.removed", o.name, o.tags, None, bool(new.tag_groups),
                      f"删除标签组「{o.name}」", f'tag group "{o.name}" removed', why)


def _groups_of(t: Template) -> dict[str, list[str]]:
    return {tag: [g.name for g in t.tag_groups if tag in g.tags]
            for group in t.tag_groups for tag in group.tags}


# --- tiers -----------------------------------------------------------------------------------


def _tier_changes(old: Template, new: Template) -> Iterator[Change]:
    before = {t.key: t for t in old.tiers}
    for t in new.tiers:
        o = before.get(t.key)
        zh, en = f"认证等级「{t.label}」({t.key})", f'tier "{t.label}" ({t.key})'
        if o is None:
            yield _change("tier.added", t.key, None, t.max, False, f"新增{zh}，上限 {t.max}",
                          f"new {en} with limit {t.max}")
        elif t.max != o.max:
            lowered = t.max < o.max
            yield _from_to("tier.lowered" if lowered else "tier.raised", t.key, (zh, en),
                           ("上限", "limit"), o.max, t.max, lowered,
                           ("超过新上限的批次会被拒绝", "batches over the new limit are rejected")
                           if lowered else ("", ""))
    keys = {t.key for t in new.tiers}
    for o in (o for o in old.tiers if o.key not in keys):
        yield _change("tier.removed", o.key, o.max, None, True,
                      f"删除认证等级「{o.label}」({o.key})", f'tier "{o.label}" ({o.key}) removed',
                      ("指定它的运行会失败", "runs naming it fail"))
    if old.default_tier != new.default_tier:
        was, now = _default_max(old), _default_max(new)
        # without a default a run naming no tier stops, which is tighter than any limit
        breaking = was is not None and (now is None or now < was)
        yield _from_to("tier.default", "default_tier", _TEMPLATE, ("默认认证等级", "default tier"),
                       old.default_tier, new.default_tier, breaking,
                       (f"不指定 --tier 的运行上限从 {was} 变成 {now or '无'}",
                        f"runs without --tier get a limit of {now or 'none'}, not {was}")
                       if breaking else ("", ""), ("无", "none"))


def _default_max(t: Template) -> int | None:
    return next((tier.max for tier in t.tiers if tier.key == t.default_tier), None)
