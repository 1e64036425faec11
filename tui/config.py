"""The reader's config file: keys, theme, timings, commands, quick tags, rules, retention.

A TOML file in the platform config directory (``--config PATH`` overrides).
A missing file means the defaults; a bad one raises ``ConfigError`` with a
message that names the line or the key, and the reader exits with it.
"""

from __future__ import annotations

import difflib
import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from store.db import APP_NAME
from store.model import RANGES
from tui.plural import figure
from tui.stamps import DEFAULT_DATE_FORMAT, LOCAL, Clock, date_format_error, zone_error

if TYPE_CHECKING:
    from store.search.rules import RuleSet


class ConfigError(ValueError):
    """The config file cannot be used; the message says where and why.

    ``rule``: (the rule's number, the key at fault or None) when a [[rules]] table is;
    ``key``: the key whose line to name, when the message does not begin with it.
    """

    def __init__(
        self, message: str, rule: tuple[int, str | None] | None = None, key: str | None = None
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.key = key


@dataclass
class Config:
    """Everything the reader takes from the config file, with its defaults."""

    keys: dict[str, list[str]] = field(default_factory=dict)
    key_preset: str = "default"  # keys = "newsboat" (or preset = ... in [keys])
    theme: str | None = None
    dwell_seconds: float = 2.0
    auto_refresh_minutes: float = 0.0
    date_format: str = DEFAULT_DATE_FORMAT
    time_zone: str = LOCAL  # "local", "story" (each story's own clock) or a zone name
    browser: list[str] = field(default_factory=list)
    quick_tags: list[str] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    accounts: list[dict[str, str]] = field(default_factory=list)  # [[accounts]]: sync servers
    full_text_on_open: bool = True  # read a story's article page when it is opened
    max_stories: int | None = None  # prune: stories a feed keeps unless it says (off)
    max_age_days: float | None = None  # prune: days a feed keeps stories unless it says
    pipe_command: list[str] = field(default_factory=list)  # | pipes the story to it
    notify_command: list[str] = field(default_factory=list)  # run with a notify rule's story
    images: bool = True  # show the story's picture in the reader
    path: Path | None = None

    @cached_property
    def rule_set(self) -> RuleSet | None:
        """The [[rules]], compiled once (None when there are none); ConfigError if one is bad."""
        return _check_rules(self.rules) if self.rules else None

    @property
    def clock(self) -> Clock:
        """How the reader shows times: the zone and date format set here."""
        return Clock(self.time_zone, self.date_format)


def default_config_path() -> Path:
    """config.toml in the platform's user config directory."""
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


def load_config(path: str | Path | None = None) -> Config:
    """Read the config file at ``path`` (default location if None).

    A missing default file gives the defaults; a missing file the user named is
    an error. The reader and every command check it alike (``[keys]`` too: a
    config the reader refuses is reported by the cron ``fetch`` that meets it first).
    """
    explicit = path is not None
    file = Path(path).expanduser() if path is not None else default_config_path()
    if not file.exists():
        if explicit:
            raise ConfigError(f"{file}: no such config file")
        return Config()
    try:
        text = file.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        # tomllib's message carries "(at line N, column M)".
        raise ConfigError(f"{file}: {_twice(text, str(error)) or error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{file}: cannot read: {error}") from None
    try:
        config = parse_config(data)
    except ConfigError as error:
        key = error.key or str(error).split(":", 1)[0].rsplit(".", 1)[-1].strip()
        line = _rule_line(text, *error.rule) if error.rule else _at_line(text, key)
        raise ConfigError(f"{file}: {line}{error}") from None
    config.path = file
    return config


def parse_config(data: dict[str, Any]) -> Config:
    """Check the parsed TOML and turn it into a ``Config``; errors name the key."""
    config = Config()
    for key, value in data.items():
        if key == "keys":
            config.key_preset, config.keys = _keys(value)
        elif key == "theme":
            config.theme = _string(key, value)
        elif key == "dwell_seconds":
            config.dwell_seconds = _number(key, value, minimum=0, maximum=3600)
        elif key == "auto_refresh_minutes":
            minutes = _number(key, value, minimum=0, maximum=7 * 24 * 60)
            if 0 < minutes < 1:  # 1e-9 would refresh without end before the first draw
                raise ConfigError(f"{key}: must be 0 (off) or at least 1 (minute)")
            config.auto_refresh_minutes = minutes
        elif key == "date_format":
            config.date_format = _string(key, value)
            problem = date_format_error(config.date_format)
            if problem:
                raise ConfigError(f"{key}: {problem}")
        elif key == "time_zone":
            config.time_zone = _string(key, value)
            problem = zone_error(config.time_zone)
            if problem:
                raise ConfigError(f"{key}: {problem}")
        elif key == "browser":
            config.browser = _string_list(key, value)
            if not config.browser:
                raise ConfigError("browser: give the command as a non-empty list of strings")
        elif key == "quick_tags":
            config.quick_tags = _string_list(key, value)
            if len(config.quick_tags) > 9:
                raise ConfigError(
                    f"quick_tags: at most 9, one for each of the keys 1-9; got "
                    f"{len(config.quick_tags)}"
                )
        elif key in ("full_text_on_open", "images"):
            if not isinstance(value, bool):
                raise ConfigError(f"{key}: expected true or false, got {_kind(value)}")
            setattr(config, key, value)
        elif key in ("max_stories", "max_age_days"):
            setattr(config, key, _cap(key, value))
        elif key in ("pipe_command", "notify_command"):
            if isinstance(value, str):
                raise ConfigError(f"{key}: a list of arguments, not a shell string")
            command = _string_list(key, value)
            if not command or not command[0].strip():
                raise ConfigError(f"{key}: give the command as a non-empty list of strings")
            setattr(config, key, command)
        elif key == "rules":
            if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
                raise ConfigError("rules: expected [[rules]] tables")
            config.rules = value
            config.rule_set  # noqa: B018 - compiled (and so checked) as the config is read
        elif key == "accounts":
            config.accounts = _accounts(value)
        else:
            raise _unknown(key)
    return config


def _unknown(key: str) -> ConfigError:
    """A key the config has not: named with its line, and the key it looks like."""
    known = [f.name for f in fields(Config) if f.name not in ("key_preset", "path")]
    close = difflib.get_close_matches(key.lower(), known, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return ConfigError(f"unknown key {key!r}{hint}", key=key)


def _cap(key: str, value: Any) -> float:
    """max_stories or max_age_days: in the range ``feeds set`` gives a feed's own."""
    low, high, _unit = RANGES[key]
    number = _number(key, value, minimum=low, maximum=high)
    if key != "max_stories":
        return number
    if number != int(number):
        raise ConfigError(f"{key}: must be a whole number, not {value}")
    return int(number)


# What an [[accounts]] table may say; url and user are required.
ACCOUNT_KEYS = ("type", "url", "user", "server", "password_file", "password_env")


def _accounts(value: Any) -> list[dict[str, str]]:
    """[[accounts]]: each a sync server, as ``aanews account add`` would add it."""
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise ConfigError("accounts: expected [[accounts]] tables")
    for number, table in enumerate(value, start=1):
        for key, item in table.items():
            if key not in ACCOUNT_KEYS:
                raise ConfigError(f"accounts #{number}: unknown key {key!r}")
            if not isinstance(item, str) or not item.strip():
                raise ConfigError(f"accounts #{number}: {key}: expected a string")
        for key in ("url", "user"):
            if key not in table:
                raise ConfigError(f"accounts #{number}: {key} is missing")
        if table.get("type", "greader") != "greader":
            raise ConfigError(f'accounts #{number}: type: only "greader" is known')
    return value


def _at_line(text: str, key: str) -> str:
    """ "line N: " for the line that sets ``key`` (or opens its [table]), else ''."""
    if not key or " " in key:
        return ""
    name = rf"""["']?{re.escape(key)}["']?"""
    setting = re.compile(rf"^\s*({name}\s*=|\[+\s*{name}\s*\])")
    for number, line in enumerate(text.splitlines(), start=1):
        if setting.match(line):
            return f"line {number}: "
    return ""


def _rule_line(text: str, number: int | None, key: str | None) -> str:
    """ "line N: " for rule ``number``'s ``key`` (its [[rules]] line when no key), else ''."""
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if re.match(r"^\s*\[\[\s*rules\s*\]\]", line)]
    if number is None or not 0 < number <= len(headers):
        return ""
    start = headers[number - 1]
    end = next((i for i in range(start + 1, len(lines)) if lines[i].lstrip()[:1] == "["), None)
    if key is not None:
        setting = re.compile(rf"""^\s*["']?{re.escape(key)}["']?\s*=""")
        for index in range(start + 1, len(lines) if end is None else end):
            if setting.match(lines[index]):
                return f"line {index + 1}: "
    return f"line {start + 1}: "


def _check_rules(tables: list[dict[str, Any]]) -> RuleSet | None:
    # A bad rule is a config mistake: said when the config is read (at start-up),
    # not later by the first refresh. The compiled rules are kept: compiled once.
    from store.search.rules import RuleError, compile_rules, rules_from_toml

    try:
        return compile_rules(rules_from_toml({"rules": tables})) or None
    except RuleError as error:
        rule = (error.number, error.key) if error.number is not None else None
        raise ConfigError(f"rules: {error}", rule) from None


def _twice(text: str, message: str) -> str | None:
    """TOML's "Cannot overwrite a value (at line N...)" in a person's words, else None.

    The README's two ways to pick newsboat's keys cannot both be written: say how.
    """
    found = re.search(r"^Cannot (overwrite a value|declare .* twice) \(at line (\d+)", message)
    lines = text.splitlines()
    if not found or not 0 < int(found[2]) <= len(lines):
        return None
    line = lines[int(found[2]) - 1]
    name = re.match(r"""^\s*\[*\s*["']?([\w.-]+)""", line)
    if name is None:
        return None
    if name[1] == "keys":
        preset = re.search(r"""^\s*keys\s*=\s*["']([^"']*)""", text, re.MULTILINE)
        return (
            f'line {found[2]}: keys = "..." and a [keys] table cannot both be: write '
            f'preset = "{preset[1] if preset else "newsboat"}" inside [keys] instead'
        )
    return f"line {found[2]}: {name[1]} is set twice; keep one"


def _keys(value: Any) -> tuple[str, dict[str, list[str]]]:
    """``keys = "newsboat"``, or a ``[keys]`` table of action = key(s) with an optional preset."""
    from tui.keys import ACTIONS, PRESETS, KeyConflict, effective_keys, key_error

    if isinstance(value, str):
        value = {"preset": value}
    if not isinstance(value, dict):
        raise ConfigError('keys: expected a preset name (keys = "newsboat") or a [keys] table')
    preset = value.get("preset", "default")
    if preset not in PRESETS:
        names = ", ".join(sorted(PRESETS))
        raise ConfigError(f"keys: unknown key set {preset!r} (one of: {names})")
    keys: dict[str, list[str]] = {}
    for action, keyspec in value.items():
        if action == "preset":
            continue
        name = f"keys.{action}"
        if action == "keys":
            raise ConfigError(f'{name}: inside [keys] a key set is preset = "newsboat"')
        if action not in ACTIONS:
            raise ConfigError(f"{name}: unknown action {action!r}")
        if isinstance(keyspec, str):
            keyspec = [keyspec]
        keyspec = _string_list(name, keyspec)
        if not keyspec or any(not k.strip() or "," in k for k in keyspec):
            raise ConfigError(f"{name}: expected a key name or a list of key names")
        keys[action] = [k.strip() for k in keyspec]
        problem = next(filter(None, map(key_error, keys[action])), None)
        if problem:
            raise ConfigError(f"{name}: {problem}")
    try:
        effective_keys(preset, keys)
    except KeyConflict as error:
        raise ConfigError(str(error)) from None
    return preset, keys


def _string(key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {_kind(value)}")
    return value


def _number(key: str, value: Any, *, minimum: float, maximum: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{key}: expected a number, got {_kind(value)}")
    if not math.isfinite(value):
        raise ConfigError(f"{key}: must be a finite number, not {value}")
    if value < minimum:
        raise ConfigError(f"{key}: must be at least {figure(minimum)}")
    if value > maximum:
        raise ConfigError(f"{key}: must be at most {figure(maximum)}")
    return float(value)


def _string_list(key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{key}: expected a list of strings, got {_kind(value)}")
    return list(value)


def _kind(value: Any) -> str:
    return {
        bool: "a boolean",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
