"""Prompt templates: every shipped one renders with the documented variables, user folders override,
the sandbox runs no code, and mistakes name the template."""

from __future__ import annotations

from pathlib import Path

import pytest

from cowriter.model.prompts import PACKAGED, PromptError, Prompts, user_prompts_dir
from cowriter.model.request import TASKS

VARIABLES: dict[str, object] = {
    "task": "section",
    "request": "a chorus about leaving Detroit",
    "song": "{title: Motor City}\n[G]Streetlights hum",
    "key": "G major",
    "key_chords": ["G", "Am", "Bm", "C", "D", "Em", "F#dim"],
    "section": "chorus",
    "label": "Chorus",
    "lines": 4,
    "syllables": 8,
    "rhyme_with": "rain",
    "rhyme_lines": [2, 4],
    "mood": "darker",
    "alternatives": 3,
    "target": "[G]Streetlights hum on [C]Woodward Ave,",
    "lyrics": "[Verse 1]\nStreetlights hum on Woodward Ave,",
    "lyrics_only": False,
    "scheme": "ABAB",
    "keep_meter": True,
    "topic": "leaving Detroit",
}


def test_every_task_has_a_template() -> None:
    prompts = Prompts()
    for name in (*TASKS, "system", "example_request", "example_reply"):
        assert prompts.has(name), name


@pytest.mark.parametrize("name", [*TASKS, "system", "example_request", "example_reply"])
def test_templates_render_with_the_documented_variables(name: str) -> None:
    text = Prompts().render(name, {**VARIABLES, "task": name})
    assert text.strip()
    assert "{{" not in text and "{%" not in text
    assert "\n\n\n" not in text


@pytest.mark.parametrize("name", ["section", "continue", "rewrite", "alternatives", "mood"])
def test_craft_constraints_reach_the_model(name: str) -> None:
    text = Prompts().render(name, VARIABLES)
    assert "8 syllables" in text and '"rain"' in text and "G major" in text


@pytest.mark.parametrize("name", ["section", "continue", "rewrite", "alternatives", "mood", "system"])
def test_words_only_prompts_show_the_song_without_chords(name: str) -> None:
    words = {**VARIABLES, "lyrics_only": True, "target": "Streetlights hum on Woodward Ave,"}
    text = Prompts().render(name, words)
    assert "[G]" not in text and "Key:" not in text
    if name != "system":
        assert "Streetlights hum on Woodward Ave," in text and "Rhyme scheme ABAB" in text
    else:
        assert "No chords" in text


def test_the_readme_documents_every_variable() -> None:
    readme = (PACKAGED / "README.md").read_text(encoding="utf-8")
    for variable in VARIABLES:
        assert f"`{variable}`" in readme, variable


def test_a_user_folder_overrides_one_template(tmp_path: Path) -> None:
    (tmp_path / "section.j2").write_text("My own: {{ request }}", encoding="utf-8")
    prompts = Prompts(tmp_path)
    assert prompts.render("section", VARIABLES) == "My own: a chorus about leaving Detroit"
    assert "You are a songwriting partner" in prompts.render("system", VARIABLES)  # the rest still ship


def test_user_folder_from_env_or_config(tmp_path: Path) -> None:
    assert user_prompts_dir({"COWRITER_PROMPTS": str(tmp_path)}) == tmp_path
    assert user_prompts_dir({}, {"prompts": str(tmp_path)}) == tmp_path
    assert user_prompts_dir({}, {}) is None


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ nosuch }}", "nosuch"),
        ("{{ request.__class__.__mro__ }}", "sandbox"),
        ("{% for x in %}", "section.j2"),
        ("{% include 'missing.j2' %}", "missing"),
    ],
)
def test_template_mistakes_are_clear(tmp_path: Path, template: str, message: str) -> None:
    (tmp_path / "section.j2").write_text(template, encoding="utf-8")
    with pytest.raises(PromptError, match=message):
        Prompts(tmp_path).render("section", VARIABLES)


def test_unknown_template_is_clear() -> None:
    with pytest.raises(PromptError, match="no prompt template named 'dance'"):
        Prompts().render("dance", VARIABLES)
