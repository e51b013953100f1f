#!/usr/bin/env python3
"""Writes test-data/sleepy/example.sleepy: a Very Sleepy capture made by hand in the layout
Very Sleepy 0.82 saves (a zip of Stats.txt, IPCounts.txt, Symbols.txt, Callstacks.txt and an
empty-named 'Version 0.82 required' entry), as gprof2dot's SleepyParser and Very Sleepy's own
source read it. Very Sleepy runs on Windows only, so no capture comes from the tool here.
usage: scripts/fixtures-sleepy.py   (from the repository root)"""
import zipfile

STATS = "Filename: C:\\work\\app.exe\nDuration: 2.500000\nDate: Wed May 15 15:08:09 2013\nSamples: 2400\n\n"
SYMBOLS = "\n".join([
    'sym0 "app" "mainCRTStartup" "[unknown]" 0',
    'sym1 "app" "main" "C:\\work\\app.c" 40',
    'sym2 "app" "parse" "C:\\work\\app.c" 12',
    'sym3 "app" "lex" "C:\\work\\lex.c" 5',
    'sym4 "ntdll" "RtlAllocateHeap" "[unknown]" 0',
    'sym5 "app" "walk" "C:\\work\\app.c" 25',
    'sym6 "kernel32" "BaseThreadInitThunk" "[unknown]" 0',
]) + "\n"
CALLSTACKS = "\n".join([
    "0.750000 sym3 sym2 sym1 sym0 sym6",
    "0.500000 sym4 sym3 sym2 sym1 sym0 sym6",
    "0.400000 sym2 sym1 sym0 sym6",
    "0.300000 sym5 sym5 sym5 sym1 sym0 sym6",
    "0.250000 sym4 sym1 sym0 sym6",
    "0.100000 sym1 sym0 sym6",
]) + "\n"
IPCOUNTS = "2.300000\n0x401590 0.750000         \"C:\\work\\lex.c\" 7\n"

with zipfile.ZipFile("test-data/sleepy/example.sleepy", "w", zipfile.ZIP_DEFLATED) as z:
    for name, text in [("Stats.txt", STATS), ("IPCounts.txt", IPCOUNTS),
                       ("Symbols.txt", SYMBOLS), ("Callstacks.txt", CALLSTACKS)]:
        z.writestr(zipfile.ZipInfo(name, (2013, 5, 15, 15, 8, 8)), text, zipfile.ZIP_DEFLATED)
    z.writestr(zipfile.ZipInfo("Version 0.82 required", (2013, 5, 15, 15, 8, 8)), "0.82\n")
