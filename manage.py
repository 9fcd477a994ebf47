#!/usr/bin/env python
"""Same as the `yingji` command (writes are audited with source 'cli')."""

from yingji.cli import main

if __name__ == "__main__":
    main()
