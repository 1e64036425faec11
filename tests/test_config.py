"""The config file: defaults, every setting, and errors that name the line or the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import run_reader
from tui.config import Config, ConfigError, default_config_path, load_config
from tui.keys import ACTIONS


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_the_defaults() -> None:
    assert not default_config_path().exists()
    config = load_config()
    assert config == Config()
    assert config.dwell_seconds == 2.0
    assert config.auto_refresh_minutes == 0


def test_every_setting_is_read(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        """
theme = "nord"
dwell_seconds = 1.5
auto_refresh_minutes = 15
date_format = "%Y-%m-%d %H:%M"
browser = ["firefox", "--new-tab"]
quick_tags = ["gazze", "ekonomi"]
notify_command = ["notify-send", "aanews"]
images = false

[keys]
down = "j"
toggle_star = ["z", "f"]

[[rules]]
query = "lang:tr deprem"
tags = ["deprem"]
notify = true
""",
    )
    config = load_config(path, known_actions=set(ACTIONS))
    assert config.theme == "nord"
    assert config.dwell_seconds == 1.5
    assert config.auto_refresh_minutes == 15
    assert config.date_format == "%Y-%m-%d %H:%M"
    assert config.browser == ["firefox", "--new-tab"]
    assert config.quick_tags == ["gazze", "ekonomi"]
    assert config.images is False and Config().images is True
    assert config.keys == {"down": ["j"], "toggle_star": ["z", "f"]}
    assert config.rules == [{"query": "lang:tr deprem", "tags": ["deprem"], "notify": True}]
    assert config.notify_command == ["notify-send", "aanews"]


def test_the_default_location_is_used(tmp_path: Path) -> None:
    path = default_config_path()
    path.parent.mkdir(parents=True)
    path.write_text("dwell_seconds = 5\n", encoding="utf-8")
    assert load_config().dwell_seconds == 5


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("dwell_seconds = \n", "line 1"),
        ('theme = "nord"\n\nbrowser = firefox\n', "line 3"),
        ("dwel_seconds = 2\n", "unknown key 'dwel_seconds'"),
        ('dwell_seconds = "2"\n', "dwell_seconds: expected a number, got a string"),
        ("dwell_seconds = -1\n", "dwell_seconds: must be at least 0"),
        ('browser = "firefox --new-tab"\n', "browser: expected a list of strings"),
        (
            f"quick_tags = {[f't{n}' for n in range(10)]}\n".replace("'", '"'),
            "quick_tags: at most 9, one for each of the keys 1-9; got 10",
        ),
        ('[keys]\nstar = "x"\n', "keys.star: unknown action 'star'"),
        ("[keys]\ndown = 3\n", "keys.down: expected a list of strings"),
        ('rules = "x"\n', "rules: expected [[rules]] tables"),
        # A rule's key is named with its line, in the table it sits in.
        (
            '[[rules]]\nquery = "a"\ntags = ["a"]\n\n[[rules]]\nquery = "b"\nnotify = "yes"\n',
            "line 7: rules: rule 2: notify must be true or false",
        ),
        ('[[rules]]\nquery = "b"\n', "line 1: rules: rule 1 ('b'): says neither"),
        (
            'theme = "nord"\nnotify_command = "notify-send aanews"\n',
            "line 2: notify_command: a list of arguments, not a shell string",
        ),
        ("notify_command = []\n", "notify_command: give the command as a non-empty list"),
        ('theme = "nord"\nimages = "no"\n', "line 2"),
        ("images = 0\n", "images: expected true or false, got a number"),
        # A key another action has: an error naming both (j would stop moving down).
        (
            '[keys]\ntoggle_star = "j"\n',
            "keys.toggle_star: 'j' is already the key of down (Next story)",
        ),
        ('keys = "newsboat"\n[x]\n', "unknown key 'x'"),
        ('keys = "elinks"\n', "keys: unknown key set 'elinks' (one of: default, newsboat)"),
        # The preset moves toggle_read to N; r is its feed refresh.
        ('[keys]\npreset = "newsboat"\ntoggle_star = "r"\n', "keys.toggle_star: 'r' is already"),
    ],
)
def test_bad_config_names_the_line_or_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path, known_actions=set(ACTIONS))
    assert message in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_named_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such config file"):
        load_config(tmp_path / "missing.toml")


def test_the_reader_exits_with_the_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, "[keys]\ndown = \n")
    status = run_reader(tmp_path / "db.sqlite", config_path=path)
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("aanews: ") and "line 2" in err
    assert "Traceback" not in err


def test_an_unknown_theme_is_refused_before_the_screen_opens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, 'theme = "no-such-theme"\n')
    assert run_reader(tmp_path / "db.sqlite", config_path=path) == 2
    assert "theme: unknown theme 'no-such-theme'" in capsys.readouterr().err


def test_the_newsboat_preset_and_rebinding_what_a_key_moved_from(tmp_path: Path) -> None:
    from tui.keys import effective_keys

    config = load_config(_write(tmp_path, 'keys = "newsboat"\n'), known_actions=set(ACTIONS))
    keys = effective_keys(config.key_preset, config.keys)
    assert keys["toggle_read"] == ["N"] and keys["refresh_feed"] == ["r"]
    assert keys["previous_unread_feed"] == ["ctrl+p"] and keys["command_palette"] == ["colon"]
    # A default's key may go to another action once the default has moved away.
    moved = _write(tmp_path, '[keys]\nselect = "v"\ntoggle_star = "x"\n')
    config = load_config(moved, known_actions=set(ACTIONS))
    assert effective_keys(config.key_preset, config.keys)["toggle_star"] == ["x"]
