"""config.toml: defaults, a good file, and every kind of bad file refused with what and where."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan.config import RULE_IDS, ChecklistConfig, Config, load_config, parse_config
from plan.errors import ConfigError, KeyplanError


def refusal(text: str) -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text)
    message = caught.value.message
    assert "\n" not in message
    return message


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.toml")
    assert config == Config()
    assert config.checklist == ChecklistConfig(review_interval_days=90, disabled=frozenset())
    assert dict(config.keys) == {}


def test_an_empty_file_gives_the_defaults() -> None:
    assert parse_config("") == Config()


def test_a_good_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[checklist]\n"
        "review_interval_days = 30\n"
        'disabled = ["R1", "t4"]\n'
        "\n"
        "[keys]\n"
        'quit = "ctrl+q"\n'
        '"plan.add_tactic" = "t"\n',
        encoding="utf-8",
    )
    config = load_config(path)
    assert config.checklist == ChecklistConfig(30, frozenset({"R1", "T4"}))
    assert dict(config.keys) == {"quit": "ctrl+q", "plan.add_tactic": "t"}


def test_the_keys_of_a_config_cannot_be_changed() -> None:
    config = parse_config('[keys]\nquit = "ctrl+q"\n')
    with pytest.raises(TypeError):
        config.keys["quit"] = "q"  # type: ignore[index]


def test_invalid_toml_names_the_file_and_line() -> None:
    message = refusal('[checklist]\nreview_interval_days = 30\ndisabled = ["R1",, ]\n')
    assert message.startswith("config.toml: line 3: invalid TOML (")
    assert message.endswith(")")


def test_invalid_toml_at_the_end_of_the_file_says_so() -> None:
    message = refusal("[checklist]\nreview_interval_days =")
    assert message.startswith("config.toml: invalid TOML (")
    assert "at end of file" in message


def test_a_duplicate_key_is_invalid_toml() -> None:
    assert "invalid TOML" in refusal(
        "[checklist]\nreview_interval_days = 1\nreview_interval_days = 2\n"
    )


@pytest.mark.parametrize("value", ["0", "-5", '"90"', "true", "1.5"])
def test_review_interval_must_be_a_whole_number_of_days(value: str) -> None:
    assert refusal(f"[checklist]\nreview_interval_days = {value}\n") == (
        "config.toml: [checklist] review_interval_days must be a whole number of days, 1 or more"
    )


def test_an_unknown_rule_in_disabled_is_named_with_the_known_ones() -> None:
    message = refusal('[checklist]\ndisabled = ["R1", "Z9"]\n')
    assert message == (
        'config.toml: [checklist] disabled: unknown rule "Z9" (known: ' + ", ".join(RULE_IDS) + ")"
    )


@pytest.mark.parametrize("value", ['"R1"', "[1, 2]"])
def test_disabled_must_be_a_list_of_rule_ids(value: str) -> None:
    assert "[checklist] disabled must be a list of rule ids" in refusal(
        f"[checklist]\ndisabled = {value}\n"
    )


def test_an_unknown_checklist_key_is_refused() -> None:
    message = refusal("[checklist]\nreview_intervall_days = 30\n")
    assert message.startswith('config.toml: [checklist] unknown key "review_intervall_days"')


def test_an_unknown_section_is_refused() -> None:
    assert refusal("[checklst]\n") == (
        "config.toml: unknown section [checklst] (known: [checklist], [keys])"
    )


def test_a_section_must_be_a_table() -> None:
    assert refusal("checklist = 3\n") == "config.toml: [checklist] must be a table"


@pytest.mark.parametrize("value", ["1", '""', '["q"]'])
def test_a_key_binding_must_be_a_string(value: str) -> None:
    message = refusal(f"[keys]\nquit = {value}\n")
    assert message.startswith("config.toml: [keys] quit must be a key written as a string")


def test_a_bad_file_is_named_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[checklist]\ndisabled = [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"^{path}: "):
        load_config(path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[keys]\nquit = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8 text"):
        load_config(path)


def test_an_unreadable_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read") as caught:
        load_config(tmp_path)
    assert isinstance(caught.value, KeyplanError)
