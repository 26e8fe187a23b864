"""The edges: reading partnership and calendar files, atomic writes, SOURCE_DATE_EPOCH.

Everything that touches the disk or the environment lives here, so the core stays pure.

Limits: a partnership file is at most ``MAX_FILE_BYTES`` (1 MiB) and an imported
calendar at most ``ical.importer.MAX_ICS_BYTES`` (4 MiB); only that much plus one byte is
ever read, so a larger file is refused at once. Only regular files are read (not
folders, devices or pipes, which could block or never end). JSON and TOML nesting is
bounded by Python's recursion limit (about 1000 levels), and integers by Python's
4300-digit limit; both are reported as problems, not raised.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import sys
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from twinschedule.errors import ConfigError, OutputError, Problem
from twinschedule.model import ReadIcs

MAX_FILE_BYTES = 1024 * 1024
UTF8_BOM = b"\xef\xbb\xbf"
SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}")


def _problem(message: str, path: str = "") -> Problem:
    return Problem(path=path, message=message)


def read_capped(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; ``ConfigError`` if it is larger or not a
    regular file, ``OSError`` if it cannot be read."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except ValueError:  # a NUL in the name
        raise ConfigError([_problem("the file name contains a NUL character")]) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise ConfigError([_problem("is a folder, not a file")])
        if not stat.S_ISREG(mode):
            raise ConfigError([_problem("is not a regular file (a device, pipe or socket)")])
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise too_large(limit, None)
    return data


def bom_encoding(data: bytes) -> str | None:
    """The encoding other than UTF-8 that a byte order mark at the start of ``data``
    names (``UTF-16``, ``UTF-32``), None without one."""
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "UTF-32"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "UTF-16"
    return None


def parse_document(data: bytes, *, kind: str, source: str) -> Any:
    """TOML or JSON bytes -> Python data; ``ConfigError`` naming line and column."""
    def fail(message: str) -> ConfigError:
        return ConfigError([_problem(message)], source=source)

    skipped = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    data = data[skipped:]  # a UTF-8 byte order mark (Windows editors write one) is ignored
    if not data.strip():
        raise fail("the file is empty")
    encoding = bom_encoding(data)
    if encoding is not None:
        raise fail(f"the file is {encoding} text (it starts with a {encoding} byte order "
                   f"mark); save it as UTF-8")
    if b"\x00" in data:
        raise fail("the file contains NUL bytes: it is binary, not a text file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise fail(f"invalid UTF-8 at byte {exc.start + skipped} (line {line}); save the "
                   f"file as UTF-8") from None
    if kind == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise fail(f"JSON syntax error at line {exc.lineno}, column {exc.colno}: "
                       f"{exc.msg}") from None
        except RecursionError:
            raise fail("JSON nested too deeply") from None
        except ValueError:  # an integer longer than Python's 4300-digit limit
            raise fail("JSON: a number has too many digits (more than "
                       f"{sys.get_int_max_str_digits()})") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise fail(f"TOML syntax error: {exc}") from None
    except RecursionError:
        raise fail("TOML nested too deeply") from None
    except ValueError:  # an integer longer than Python's 4300-digit limit
        raise fail("TOML: a number has too many digits (more than "
                   f"{sys.get_int_max_str_digits()})") from None


def calendar_reader(calendars: Mapping[str, bytes]) -> ReadIcs:
    """A ``read_ics`` callable giving the calendars of ``calendars`` (name -> bytes) and
    nothing else: no name reaches the file system."""
    from twinschedule.ical.importer import MAX_ICS_BYTES

    def read(name: str) -> bytes:
        shown = name if len(name) <= 60 else name[:57] + "..."
        try:
            data = calendars[name]
        except KeyError:
            raise ConfigError([_problem(f"'{shown}': no calendar of that name")]) from None
        if len(data) > MAX_ICS_BYTES:
            raise ConfigError([_problem(f"'{shown}': the file is larger than the "
                                        f"{MAX_ICS_BYTES} bytes allowed")])
        return data

    return read


def read_source(path: Path, *, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a partnership (or network) file (``.toml`` or ``.json``), at most
    ``limit``; ``ConfigError`` naming the file otherwise."""
    source = str(path)
    suffix = path.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise ConfigError([_problem(f"unknown file type '{suffix or path.name}': use a .toml "
                                    f"or .json file")], source=source)
    try:
        return read_capped(path, limit)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=source) from None
    except OSError as exc:
        raise ConfigError([_problem(f"cannot read the file: {exc.strerror or exc}")],
                          source=source) from None


def too_large(limit: int, source: str | None) -> ConfigError:
    """The error of a file over ``limit`` bytes (as ``read_capped`` words it)."""
    return ConfigError([_problem(f"the file is larger than the {limit} bytes allowed")],
                       source=source)


def read_document(path: Path, *, limit: int = MAX_FILE_BYTES) -> Any:
    """A partnership (or network) file (``.toml`` or ``.json``) as Python data."""
    data = read_source(path, limit=limit)
    return parse_document(data, kind=path.suffix.lower()[1:], source=str(path))


MAX_PLAN_BYTES = 16 * 1024 * 1024


def read_plan(path: Path) -> Any:
    """A JSON plan written earlier by ``twinschedule plan --json`` (``--previous``), as
    parsed JSON, at most ``MAX_PLAN_BYTES``; ``ConfigError`` naming the file when it
    cannot be read or is not JSON."""
    source = str(path)
    try:
        data = read_capped(path, MAX_PLAN_BYTES)
    except ConfigError as exc:
        raise ConfigError(exc.problems, source=source) from None
    except OSError as exc:
        raise ConfigError([_problem(f"cannot read the file: {exc.strerror or exc}")],
                          source=source) from None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError([_problem(f"invalid UTF-8 at byte {exc.start}: not a JSON plan")],
                          source=source) from None
    except json.JSONDecodeError as exc:
        raise ConfigError([_problem(f"not JSON (line {exc.lineno}, column {exc.colno}: "
                                    f"{exc.msg}); give the output of twinschedule plan "
                                    f"--json")], source=source) from None
    except (RecursionError, ValueError):
        raise ConfigError([_problem("not a JSON plan (nested too deeply or a number too "
                                    "long)")], source=source) from None


def ics_reader(base: Path) -> ReadIcs:
    """A ``read_ics`` callable reading calendar files relative to ``base``, and only
    inside it: an absolute path, a ``..`` that leaves the folder or a symbolic link
    pointing out of it is refused, and nothing outside the folder is read."""
    from twinschedule.ical.importer import MAX_ICS_BYTES

    def read(name: str) -> bytes:
        shown = name if len(name) <= 60 else name[:57] + "..."
        if "\x00" in name:
            raise ConfigError([_problem(f"'{shown}': the file name contains a NUL character")])
        if Path(name).is_absolute() or name.startswith(("/", "\\")) or \
                re.match(r"[A-Za-z]:[\\/]", name):
            raise ConfigError([_problem(f"'{shown}': an absolute path; give a path relative "
                                        f"to the partnership file's folder")])
        try:
            root = base.resolve(strict=True)
            target = (root / name).resolve(strict=False)
        except (OSError, RuntimeError):
            raise ConfigError([_problem(f"'{shown}': cannot resolve the path")]) from None
        if not target.is_relative_to(root):
            raise ConfigError([_problem(f"'{shown}': the path leads outside the partnership "
                                        f"file's folder (through '..' or a symbolic link); "
                                        f"imported calendars must be inside it")])
        try:
            return read_capped(target, MAX_ICS_BYTES)
        except ConfigError as exc:
            raise ConfigError([_problem(f"'{shown}': {p.message}") for p in exc.problems]
                              ) from None

    return read


def source_date_epoch(environ: Mapping[str, str] | None = None) -> dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime, None when unset or invalid."""
    value = (environ if environ is not None else os.environ).get("SOURCE_DATE_EPOCH", "")
    if not value.strip().isdigit():
        return None
    return dt.datetime.fromtimestamp(int(value.strip()), tz=dt.UTC)


def today(environ: Mapping[str, str] | None = None) -> dt.date:
    """The current UTC date, or ``SOURCE_DATE_EPOCH``'s when set (``--today``'s default)."""
    stamp = source_date_epoch(environ)
    return (stamp or dt.datetime.now(dt.UTC)).date()


MAIL_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._@+-]{0,250}")


def write_tree(files: Mapping[tuple[str, str], bytes], out_dir: Path) -> list[Path]:
    """Write ``{(folder, name): bytes}`` into folders of ``out_dir`` (the invitations:
    ``DIR/<school-id>/<contact-email>.eml``), folder by folder as :func:`write_files`
    does; folder names are plain names, file names may hold ``@`` and ``+``."""
    bad = [f"{d}/{n}" for d, n in files if not SAFE_NAME.fullmatch(d) or ".." in d
           or not MAIL_NAME.fullmatch(n) or ".." in n]
    if bad:
        raise OutputError([_problem(f"refusing file name {n!r}: it must be a plain file name",
                                    "out") for n in bad])
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError([_problem(f"'{out_dir}' is a file, not a folder", "out")])
    written = []
    for folder in dict.fromkeys(d for d, _ in files):
        mine = {n: data for (d, n), data in files.items() if d == folder}
        written += write_files(mine, out_dir / folder, names=MAIL_NAME)
    return written


def write_files(files: Mapping[str, bytes], out_dir: Path, *,
                names: re.Pattern[str] = SAFE_NAME) -> list[Path]:
    """Write ``files`` into ``out_dir`` atomically: every file goes to a temporary file in
    the folder first, and only when all are written are they renamed into place.

    Names must be plain file names (no folders, no leading dot). On any failure nothing
    new is left in the folder and files already there are unchanged.
    """
    bad = [n for n in files if not names.fullmatch(n) or ".." in n]
    if bad:
        raise OutputError([_problem(f"refusing file name {n!r}: it must be a plain file name",
                                    "out") for n in bad])
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError([_problem(f"'{out_dir}' is a file, not a folder", "out")])
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError([_problem(f"cannot create '{out_dir}': {exc.strerror or exc}",
                                    "out")]) from None
    temps: list[tuple[str, Path]] = []
    try:
        for name, data in sorted(files.items()):
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
            temps.append((name, Path(tmp_name)))
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(tmp_name, 0o644)
        written = []
        for name, tmp in temps:
            os.replace(tmp, out_dir / name)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise OutputError([_problem(f"cannot write into '{out_dir}': {exc.strerror or exc}",
                                    "out")]) from None
    finally:
        for _, tmp in temps:
            if tmp.exists():
                tmp.unlink()
