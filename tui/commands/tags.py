"""Placeholder until its owner lands it."""

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add nothing yet."""
