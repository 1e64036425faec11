"""Every key the reader answers to, in one table.

Each binding has an id (the action's name, as the config file's ``[keys]``
table spells it), default keys and a description. The screen's BINDINGS, the
help screen and the command palette are all made from this table, so a key
can never be bound without being listed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Textual loads with the screen: the CLI checks the config's keys without it
    from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    """One bindable action of the main screen."""

    action: str
    keys: str
    description: str
    show: bool = False
    key_display: str | None = None
    footer: str = ""  # a short label for the footer, when shown there
    # Who answers: the main "screen" (moving, views), the "panes" (keys that change
    # stories, from any pane), or the "app" (from anywhere, dialogs too).
    part: str = "screen"


QUICK = range(1, 10)  # the quick-tag keys 1-9
SCREEN, PANES, APP = "screen", "panes", "app"

KEYS: tuple[Key, ...] = (
    # help first: the footer is cut short on a narrow terminal, and ? must show.
    Key("help", "question_mark", "Help: every key", True, "?", "Help"),
    Key("down", "j,down", "Next story", part=PANES),
    Key("up", "k,up", "Previous story", part=PANES),
    Key("next_unread", "n", "Next unread story", True, footer="Next unread"),
    Key("previous_unread", "p", "Previous unread story"),
    Key("top", "g,home", "First story", part=PANES),
    Key("bottom", "G,end", "Last story", part=PANES),
    Key("open", "enter", "Open the story in the reader", True, "⏎", "Open"),
    Key("page", "space", "Page the story, then the next unread one", key_display="␣"),
    Key("open_link", "o", "Open the link in the browser", True, footer="Browser", part=PANES),
    Key("copy_link", "y", "Copy the story's link (OSC 52)", part=PANES),
    Key("show_links", "u", "The story's links, numbered: 1-9 or enter opens one", part=PANES),
    Key(
        "pipe_story",
        "vertical_line",
        "Pipe the story to the config's pipe_command",
        key_display="|",
        part=PANES,
    ),
    Key("save_story", "w", "Save the story as Markdown", part=PANES),
    Key("open_link_and_read", "O", "Open the link in the browser and mark it read", part=PANES),
    Key("toggle_read", "r", "Toggle read", True, footer="Read", part=PANES),
    Key("toggle_star", "s", "Toggle star", True, footer="Star", part=PANES),
    Key("mark_all_read", "A", "Mark every story in the view read", part=PANES),
    Key("mark_everything_read", "C", "Mark every story in every feed read", part=PANES),
    Key("select", "v,x", "Select the story (or unselect it) and move down", part=PANES),
    Key("select_all", "V", "Select every story in the view", part=PANES),
    Key(
        "tag", "t", "Tag the story or the selection (-name removes)", True, footer="Tag", part=PANES
    ),
    *(
        Key(f"quick_tag_{n}", str(n), f"Toggle quick tag {n} (config quick_tags)", part=PANES)
        for n in QUICK
    ),
    Key("undo", "U,ctrl+z", "Undo the last tag change or mark of many (again: redo)", part=PANES),
    Key("manage_tags", "T", "Tags: rename, merge, delete", part=PANES),
    Key("save_search", "S", "Save the view's search in the sidebar", part=PANES),
    Key("toggle_pictures", "i", "Hide the story's picture, or show it again", part=PANES),
    Key("show_changes", "d", "What changed: the story against its earlier versions", part=PANES),
    Key("refresh_all", "R", "Refresh all feeds", True, footer="Refresh"),
    Key("refresh_feed", "ctrl+r", "Refresh the current feed"),
    Key("manage_feeds", "F", "Feeds: add, remove, rename, pause, folders"),
    Key("search", "slash", "Search", True, "/"),
    Key("next_pane", "tab", "Next pane", part=PANES),
    Key("previous_pane", "shift+tab", "Previous pane", part=PANES),
    Key("previous_feed", "left_square_bracket", "Previous feed", key_display="["),
    Key("next_feed", "right_square_bracket", "Next feed", key_display="]"),
    Key("previous_unread_feed", "left_curly_bracket", "Previous feed with unread stories"),
    Key("next_unread_feed", "right_curly_bracket", "Next feed with unread stories"),
    Key("toggle_hide_read", "l", "Hide read stories in the list, or show them again"),
    Key("toggle_sidebar", "b", "Show or hide the sidebar"),
    Key("back", "escape", "Back to the list; clear the selection; end a search"),
    Key("close", "q", "Back a level (full story, search); at the top, quit", True, footer="Quit"),
    Key("quit", "Q", "Quit from anywhere", part=APP),
    Key(
        "command_palette",
        "ctrl+p",
        "Command palette: every action by name",
        footer="palette",
        part=APP,
    ),
)

ACTIONS: frozenset[str] = frozenset(k.action for k in KEYS)

# The story list's moving keys move in every dialog too (help, feeds, tags, links, the
# catalogue): each runs the first of these actions the focused widget has (a table's,
# an option list's, a scrolled text's), as its arrows and home/end would.
DIALOG_MOVES: dict[str, tuple[str, ...]] = {
    "down": ("cursor_down", "scroll_down"),
    "up": ("cursor_up", "scroll_up"),
    "top": ("scroll_top", "first", "scroll_home"),
    "bottom": ("scroll_bottom", "last", "scroll_end"),
}
DEFAULT = "default"

# Key sets a switcher has in their fingers: action -> keys, over the defaults.
PRESETS: dict[str, dict[str, list[str]]] = {
    DEFAULT: {},
    # newsboat's keys: r reloads the feed (R all), N toggles read, A marks the feed
    # read and C everything, o opens in the browser (O and marks read), s saves:
    # here, stars (the story stays in the database; a file is not what it keeps),
    # J/K step through feeds, ^N/^P to the next feed with unread stories, l hides
    # read stories, u lists the story's links. ^P is the palette's key elsewhere: here
    # ":" opens it.
    "newsboat": {
        "refresh_feed": ["r"],
        "refresh_all": ["R"],
        "toggle_read": ["N"],
        "mark_all_read": ["A"],
        "mark_everything_read": ["C"],
        "next_unread": ["n"],
        "previous_unread": ["p"],
        "open_link": ["o"],
        "open_link_and_read": ["O"],
        "toggle_star": ["s"],
        "close": ["q"],
        "quit": ["Q"],
        "next_feed": ["J", "right_square_bracket"],
        "previous_feed": ["K", "left_square_bracket"],
        "next_unread_feed": ["ctrl+n"],
        "previous_unread_feed": ["ctrl+p"],
        "toggle_hide_read": ["l"],
        "show_links": ["u"],
        "command_palette": ["colon"],
    },
}


class KeyConflict(ValueError):
    """Two actions would answer to one key; the message names both."""


def effective_keys(
    preset: str = DEFAULT, overrides: dict[str, list[str]] | None = None
) -> dict[str, list[str]]:
    """Every action's keys: the config's ``[keys]`` over the preset over the defaults.

    Raises KeyConflict when one key would do two things.
    """
    chosen = {**PRESETS[preset], **(overrides or {})}
    keys = {k.action: [key_name(n) for n in chosen.get(k.action, k.keys.split(","))] for k in KEYS}
    owner: dict[str, str] = {}
    for key in KEYS:  # the config's own bindings first, so the error names them
        if key.action not in (overrides or {}):
            continue
        for name in keys[key.action]:
            owner.setdefault(name, key.action)
    for key in KEYS:
        for name in keys[key.action]:
            other = owner.setdefault(name, key.action)
            if other != key.action:
                raise KeyConflict(
                    f"keys.{other}: {key_label(name)!r} is already the key of {key.action} "
                    f"({key.description}); give one of them another key"
                )
    return keys


# Textual's names of the keys that type no character (textual.keys.Keys), and its
# modifiers: a name that is none of these, nor a character's, is a key never pressed.
NAMED_KEYS = frozenset(
    ("escape", "enter", "tab", "space", "backspace", "insert", "delete", "home", "end")
    + ("pageup", "pagedown", "up", "down", "left", "right")
    + tuple(f"f{n}" for n in range(1, 25))
)
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
# Textual's shorter words for some characters' Unicode names.
_SHORTER = {"solidus": "slash", "reverse_solidus": "backslash", "commercial_at": "at",
            "hyphen_minus": "minus", "plus_sign": "plus", "low_line": "underscore"}  # fmt: skip


def key_name(key: str) -> str:
    """A key as Textual names it: a character by its name ("?" -> "question_mark"), as
    Textual reads a binding, so "?" and "question_mark" are one key."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return "tab" if key == "\t" else key
    return _SHORTER.get(name, name)


_CHARACTER_NAMES = frozenset(key_name(chr(code)) for code in range(33, 127))


def key_error(key: str) -> str | None:
    """Why no key press is ever ``key`` (a misspelt name), or None when one is."""
    if len(key) == 1:
        return None if key.isprintable() else f"{key!r} is not a key"
    *modifiers, base = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"{key!r}: {modifier!r} is not a modifier ({', '.join(MODIFIERS)})"
    if (len(base) == 1 and base.isprintable()) or base in NAMED_KEYS or base in _CHARACTER_NAMES:
        return None
    try:
        unicodedata.lookup(base.replace("_", " "))  # a character's name: "latin_small_letter_a"
    except KeyError:
        return (
            f"no key is called {key!r} (a character, or a name: enter, space, escape, "
            "question_mark, f5, ctrl+x...)"
        )
    return None


def keymap(preset: str = DEFAULT, overrides: dict[str, list[str]] | None = None) -> dict[str, str]:
    """The Textual keymap (action -> "k1,k2") for every action not on its default keys."""
    keys = effective_keys(preset, overrides)
    defaults = {k.action: k.keys for k in KEYS}
    return {
        action: ",".join(names)
        for action, names in keys.items()
        if ",".join(names) != defaults[action]
    }


# The footer's keys, most wanted first: a narrow footer drops them from the end.
FOOTER: tuple[str, ...] = (
    "help",
    "close",
    "open",
    "next_unread",
    "toggle_read",
    "search",
    "toggle_star",
    "tag",
    "refresh_all",
    "open_link",
)


def bindings(part: str = SCREEN) -> list[Binding | tuple[str, str] | tuple[str, str, str]]:
    """The BINDINGS of one part (the main screen, the panes, the app), each with the
    action as its id (for the keymap).

    The footer shows the short label; help and the command palette the description.
    """
    from textual.binding import Binding

    return [
        Binding(
            k.keys,
            k.action,
            k.footer or k.description,
            show=k.show,
            key_display=k.key_display,
            id=k.action,
        )
        for k in KEYS
        if k.part == part
    ]


def description(key: Key, quick_tags: list[str]) -> str:
    """What a key does; a quick-tag key also names its tag from the config."""
    number = key.action.removeprefix("quick_tag_")
    if number == key.action or not number.isdigit():
        return key.description
    index = int(number) - 1
    return f"{key.description}: {quick_tags[index] if index < len(quick_tags) else 'not set'}"


def bound_label(key: Key, keymap: dict[str, str]) -> str:
    """How the keys of ``key`` read as bound now (``keymap``: the app's, over the defaults)."""
    return key_label(keymap.get(key.action, key.keys))


def key_label(keys: str) -> str:
    """How a comma-separated key list reads on the help screen: 'j, ↓'."""
    names = {
        "down": "↓",
        "up": "↑",
        "left": "←",
        "right": "→",
        "enter": "⏎",
        "space": "space",
        "slash": "/",
        "question_mark": "?",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "left_curly_bracket": "{",
        "right_curly_bracket": "}",
        "colon": ":",
        "escape": "esc",
        "vertical_line": "|",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
