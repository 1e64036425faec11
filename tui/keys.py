"""Every key the reader answers to, in one table.

Each binding has an id (the action's name, as the config file's ``[keys]``
table spells it), default keys and a description. The screen's BINDINGS, the
help screen and the command palette are all made from this table, so a key
can never be bound without being listed.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    Key("down", "j,down", "Next story"),
    Key("up", "k,up", "Previous story"),
    Key("next_unread", "n", "Next unread story", True, footer="Next unread"),
    Key("previous_unread", "p", "Previous unread story"),
    Key("top", "g,home", "First story"),
    Key("bottom", "G,end", "Last story"),
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
    Key("toggle_read", "r", "Toggle read", True, footer="Read", part=PANES),
    Key("toggle_star", "s", "Toggle star", True, footer="Star", part=PANES),
    Key("mark_all_read", "A", "Mark every story in the view read", part=PANES),
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
    Key("show_changes", "d", "What changed: the story against its earlier versions", part=PANES),
    Key("refresh_all", "R", "Refresh all feeds", True, footer="Refresh"),
    Key("refresh_feed", "ctrl+r", "Refresh the current feed"),
    Key("manage_feeds", "F", "Feeds: add, remove, rename, pause, folders"),
    Key("search", "slash", "Search", True, "/"),
    Key("next_pane", "tab", "Next pane"),
    Key("previous_pane", "shift+tab", "Previous pane"),
    Key("previous_feed", "left_square_bracket", "Previous feed", key_display="["),
    Key("next_feed", "right_square_bracket", "Next feed", key_display="]"),
    Key("toggle_sidebar", "b", "Show or hide the sidebar"),
    Key("back", "escape", "Back to the list; clear the selection; end a search"),
    Key("close", "q", "Back a level (full story, search); at the top, quit", True, footer="Quit"),
    Key("quit", "Q", "Quit from anywhere", part=APP),
)

ACTIONS: frozenset[str] = frozenset(k.action for k in KEYS)

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


def keymap(overrides: dict[str, list[str]]) -> dict[str, str]:
    """The Textual keymap for the config's ``[keys]`` table (action -> keys)."""
    return {action: ",".join(keys) for action, keys in overrides.items()}


def description(key: Key, quick_tags: list[str]) -> str:
    """What a key does; a quick-tag key also names its tag from the config."""
    number = key.action.removeprefix("quick_tag_")
    if number == key.action or not number.isdigit():
        return key.description
    index = int(number) - 1
    return f"{key.description}: {quick_tags[index] if index < len(quick_tags) else 'not set'}"


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
        "escape": "esc",
        "vertical_line": "|",
    }
    return ", ".join(names.get(k.strip(), k.strip()) for k in keys.split(","))
