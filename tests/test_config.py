"""The config file: defaults, every setting, and errors that name the line or the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import run_reader
from tui.config import Config, ConfigError, default_config_path, load_config


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
    config = load_config(path)
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
        # An unknown key or table is named with its line, and the key it looks like.
        ('keys = "newsboat"\n[x]\n', "line 2: unknown key 'x'"),
        ('theme = "nord"\ncolour = "red"\n', "line 2: unknown key 'colour'"),
        ('Theme = "nord"\n', "line 1: unknown key 'Theme' (did you mean 'theme'?)"),
        # The README's two ways to take newsboat's keys, both at once: which to write.
        (
            'keys = "newsboat"\n[keys]\nhelp = "h"\n',
            'line 2: keys = "..." and a [keys] table cannot both be: '
            'write preset = "newsboat" inside [keys] instead',
        ),
        ('theme = "a"\ntheme = "b"\n', "line 2: theme is set twice; keep one"),
        # What the C library would print as it stands, and keys no press is ever.
        ('theme = "nord"\ndate_format = "%d %Q"\n', "line 2: date_format: '%Q' is not a strftime"),
        ('date_format = "%H:%M %"\n', "line 1: date_format: a lone % at the end"),
        (
            '[keys]\ntoggle_star = "nosuchkey_xyz"\n',
            "line 2: keys.toggle_star: no key is called 'nosuchkey_xyz'",
        ),
        ('[keys]\nsearch = "cmd+f"\n', "line 2: keys.search: 'cmd+f': 'cmd' is not a modifier"),
        # A character and Textual's name for it are one key.
        (
            '[keys]\nhelp = "?"\nsearch = "question_mark"\n',
            "line 2: keys.help: '?' is already the key of search (Search)",
        ),
        ('[keys]\nsearch = "?"\n', "keys.search: '?' is already the key of help"),
        ("max_stories = 10.5\n", "line 1: max_stories: must be a whole number, not 10.5"),
        ("max_age_days = 1e6\n", "line 1: max_age_days: must be at most 36,600"),
        ('keys = "elinks"\n', "keys: unknown key set 'elinks' (one of: default, newsboat)"),
        # The preset moves toggle_read to N; r is its feed refresh.
        ('[keys]\npreset = "newsboat"\ntoggle_star = "r"\n', "keys.toggle_star: 'r' is already"),
    ],
)
def test_bad_config_names_the_line_or_key(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
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

    config = load_config(_write(tmp_path, 'keys = "newsboat"\n'))
    keys = effective_keys(config.key_preset, config.keys)
    assert keys["toggle_read"] == ["N"] and keys["refresh_feed"] == ["r"]
    assert keys["previous_unread_feed"] == ["ctrl+p"] and keys["command_palette"] == ["colon"]
    # A default's key may go to another action once the default has moved away.
    moved = _write(tmp_path, '[keys]\nselect = "v"\ntoggle_star = "x"\n')
    config = load_config(moved)
    assert effective_keys(config.key_preset, config.keys)["toggle_star"] == ["x"]


def test_keys_by_character_or_name_and_strftime_flags_are_taken(tmp_path: Path) -> None:
    from tui.keys import effective_keys

    text = '[keys]\nhelp = "h"\nsearch = "?"\npipe_story = ["|", "ctrl+shift+f5"]\n'
    config = load_config(_write(tmp_path, 'date_format = "%-d %b %Y, %H:%M %%"\n' + text))
    keys = effective_keys(config.key_preset, config.keys)
    assert keys["search"] == ["question_mark"]  # as Textual names it, one key either way
    assert keys["pipe_story"] == ["vertical_line", "ctrl+shift+f5"]
    assert config.date_format == "%-d %b %Y, %H:%M %%"


def test_a_key_is_named_as_textual_names_it() -> None:
    """tui.keys.key_name (the command line's, without Textual) agrees with Textual."""
    from textual.keys import Keys, _character_to_key

    from tui.keys import key_error, key_name

    assert all(key_name(chr(c)) == _character_to_key(chr(c)) for c in range(32, 0x3000))
    named = [key.value for key in Keys if key.value.isascii() and "<" not in key.value]
    # Textual's driver sends neither of its two legacy names ("enter", "ctrl+@" instead)
    assert [k for k in named if key_error(k)] == ["return", "ctrl-at"]


@pytest.mark.parametrize("text", ['[keys]\nfoo = "z"\n', '[keys]\ntoggle_star = "j"\n'])
def test_the_reader_and_the_commands_refuse_the_same_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    """A cron fetch says what the reader would refuse, in the same words (its exit 1)."""
    from tui.cli import main

    path, db = _write(tmp_path, text), str(tmp_path / "db.sqlite")
    assert run_reader(Path(db), config_path=path) == 2
    said = capsys.readouterr().err
    assert "line 2: keys." in said
    for command in (["fetch", "--no-sync"], ["prune", "--dry-run"]):
        assert main(["--db", db, "--config", str(path), *command]) == 1
        assert capsys.readouterr().err == said
