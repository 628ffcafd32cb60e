"""The catalogue: every code is well-formed, bilingual, and every code crmkit raises is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmkit.catalogue import CATALOGUE, TOPICS, Bilingual, Severity, lookup

SRC = Path(__file__).resolve().parents[1] / "src" / "crmkit"
CODE_SHAPE = re.compile(r"^[a-z]+\.[a-z_]+$")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_dotted_and_bilingual(code: str) -> None:
    entry = CATALOGUE[code]
    assert CODE_SHAPE.match(code)
    assert entry.title_zh and entry.title_en
    assert entry.message_zh and entry.message_en
    # The same placeholders in both languages, so a message never loses a value in translation.
    fields = re.compile(r"\{(\w+)\}")
    assert set(fields.findall(entry.message_zh)) == set(fields.findall(entry.message_en))


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_code_is_explained_in_both_languages(code: str) -> None:
    entry = CATALOGUE[code]
    for part in ("meaning", "why", "fix"):
        text = getattr(entry, part)
        assert text.zh.strip() and text.en.strip(), f"{code} lacks its {part}"
        # The Chinese text is Chinese and the English text English, not one pasted twice.
        assert re.search(r"[\u4e00-\u9fff]", text.zh), f"{code}.{part}.zh"
        assert text.zh != text.en
    assert len({entry.meaning.en, entry.why.en, entry.fix.en}) == 3, code


def test_topics_hold_every_code_once_in_catalogue_order() -> None:
    # CATALOGUE is built from the topic modules: a code in two of them would vanish silently.
    codes = [c.code for _, entries in TOPICS for c in entries]
    assert len(codes) == len(set(codes))
    assert codes == list(CATALOGUE)
    assert all(topic.zh and topic.en for topic, _ in TOPICS)


def test_catalogue_modules_stay_small() -> None:
    for path in SRC.glob("catalogue*.py"):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines <= 400, f"{path.name} has {lines} lines: split it by topic"


def test_params_are_the_message_placeholders_in_order() -> None:
    assert lookup("duplicate.in_file").params == ("header", "value", "first_row")
    assert lookup("rows.empty").params == ()


def test_codes_used_in_the_source_are_all_catalogued() -> None:
    used = set()
    pattern = re.compile(r'(?:code=|CrmkitError\(|lit\()\s*"([a-z]+\.[a-z_]+)"')
    for path in SRC.glob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the pattern should find the codes crmkit raises"
    assert used <= set(CATALOGUE), used - set(CATALOGUE)


def test_the_codes_issue_2_asks_for_exist_with_their_severity() -> None:
    expected = {
        "header.missing": Severity.FATAL, "header.unmapped": Severity.WARNING,
        "header.duplicate": Severity.FATAL, "required.missing": Severity.ERROR,
        "phone.invalid": Severity.ERROR, "phone.not_mobile": Severity.ERROR,
        "phone.multiple": Severity.ERROR, "phone.digits_lost": Severity.ERROR,
        "email.invalid": Severity.ERROR, "text.too_long": Severity.ERROR,
        "duplicate.in_file": Severity.ERROR, "limit.exceeded": Severity.ERROR,
    }
    assert {code: CATALOGUE[code].severity for code in expected} == expected


def test_readme_lists_every_code() -> None:
    readme = (SRC.parents[1] / "README.md").read_text(encoding="utf-8")
    missing = [code for code in CATALOGUE if f"`{code}`" not in readme
               and f"`{code.split('.')[0]}.*`" not in readme]
    assert not missing, f"README.md's code table lacks {missing}"


def test_message_fills_parameters_and_picks_the_language_of_bilingual_ones() -> None:
    entry = lookup("phone.not_mobile")
    params = {"header": "手机号码", "value": "010-12345678",
              "detail": Bilingual("固定电话", "a fixed-line number")}
    assert "010-12345678 是固定电话" in entry.message("zh", **params)
    assert "is a fixed-line number" in entry.message("en", **params)


def test_a_missing_parameter_renders_empty_for_users_instead_of_failing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.undo()  # conftest makes missing parameters fail in every other test
    message = lookup("phone.invalid").message("zh", header="手机号码", value="x")
    assert message == "「手机号码」x 不是有效的电话号码，请核对后改正。"
