"""Account passwords: in the system keyring when there is one, else a 0600 file.

The keyring is used when the ``keyring`` package is importable and has a real
backend (``AANEWS_NO_KEYRING=1`` turns it off). Otherwise passwords live in
``secrets.json`` beside the config file, created with permissions 0600 (only
the user may read it). Never in the database, never printed. Keyed by user and
server address, so two databases syncing the same account share one password.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

SERVICE = "aanews"
FILE_NAME = "secrets.json"


class SecretError(RuntimeError):
    """No password is stored for the account, or the store cannot be used."""


def secret_name(user: str, url: str) -> str:
    """The key a password is stored under."""
    return f"{user}@{url.rstrip('/')}"


def store_password(name: str, password: str, folder: Path) -> str:
    """Keep the password; returns where ("the system keyring" or the file's path)."""
    ring = _keyring()
    if ring is not None:
        try:
            ring.set_password(SERVICE, name, password)
            return "the system keyring"
        except Exception:  # noqa: BLE001 - a keyring that fails falls back to the file
            pass
    path = folder / FILE_NAME
    secrets = _read(path)
    secrets[name] = password
    _write(path, secrets)
    return str(path)


def load_password(name: str, folder: Path) -> str:
    """The stored password, or SecretError saying how to give one."""
    ring = _keyring()
    if ring is not None:
        try:
            found = ring.get_password(SERVICE, name)
        except Exception:  # noqa: BLE001
            found = None
        if found:
            return str(found)
    value = _read(folder / FILE_NAME).get(name)
    if not isinstance(value, str) or not value:
        raise SecretError(
            f"no password stored for {name}: run 'aanews account add' again, or give "
            "password_file in its [[accounts]] entry"
        )
    return value


def forget_password(name: str, folder: Path) -> None:
    """Remove a stored password (keyring and file)."""
    ring = _keyring()
    if ring is not None:
        try:
            ring.delete_password(SERVICE, name)
        except Exception:  # noqa: BLE001 - nothing stored there
            pass
    path = folder / FILE_NAME
    secrets = _read(path)
    if secrets.pop(name, None) is not None:
        _write(path, secrets)


def read_password_file(path: str | Path) -> str:
    """The first line of a password file (what ``--password-file`` and password_file read)."""
    file = Path(path).expanduser()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SecretError(f"{file}: cannot read the password file ({error})") from None
    password = text.splitlines()[0].strip() if text.strip() else ""
    if not password:
        raise SecretError(f"{file}: the password file is empty")
    return password


def _keyring() -> Any:
    """The keyring module when it is importable and has a usable backend; else None."""
    if os.environ.get("AANEWS_NO_KEYRING"):
        return None
    try:
        import keyring  # type: ignore[import-not-found]
        from keyring.backends import fail  # type: ignore[import-not-found]
    except Exception:  # noqa: BLE001 - not installed, or broken
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring) or getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        raise SecretError(f"{path}: cannot read the stored passwords ({error})") from None
    return data if isinstance(data, dict) else {}


def _write(path: Path, secrets: dict[str, Any]) -> None:
    """Write the file whole, readable by the user alone, replacing it in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".new")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(secrets, handle)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
