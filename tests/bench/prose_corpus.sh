#!/bin/sh
# prose_corpus.sh - build a corpus of real plain text for measuring how
# fast `quarry index` reads prose: usage: prose_corpus.sh DIR [MB]
#
# Writes .txt files under DIR (made empty first) until about MB megabytes
# (default 300) are written, from what a Debian machine already holds, in
# this order, each list in byte order so that the same machine gives the
# same corpus:
#   squad/     the SQuAD articles of ../shared/eval-prose/squad/docs
#              ($SQUAD_DOCS)
#   licenses/  /usr/share/common-licenses
#   doc/       /usr/share/doc: README, copyright, changelog, NEWS, .txt,
#              .md and .rst files, the gzipped ones decompressed
#   info/      GNU info manuals (/usr/share/info)
#   vim/       vim's help files (/usr/share/vim/vim*/doc/*.txt)
#   dict/      the dictd dictionaries' text (/usr/share/dictd/*.dict.dz),
#              cut into files of about 1 MB at line boundaries
#   man/       English section 1 and 8 manual pages rendered by mandoc
#              and col -bx, 100 pages to a file
# A file with a NUL byte (binary) is left out, and one whose content was
# already written (the same changelog shipped by two packages) is written
# once.  The work is done in Python: a process or two per file in sh
# took most of the time.
set -eu

dir=${1:?usage: prose_corpus.sh DIR [MB]}
mb=${2:-300}
here=$(cd "$(dirname "$0")" && pwd)
SQUAD_DOCS=${SQUAD_DOCS:-$here/../../../shared/eval-prose/squad/docs}
export SQUAD_DOCS LC_ALL=C

exec python3 - "$dir" "$mb" <<'EOF'
import glob
import gzip
import hashlib
import os
import shutil
import subprocess
import sys

out, limit = sys.argv[1], int(sys.argv[2]) * 1000000
seen, total, nfiles = set(), 0, 0


class Full(Exception):
    pass


def add(name, data):
    """Write data as out/name unless binary or already written."""
    global total, nfiles
    digest = hashlib.sha1(data).digest()
    if not data or b"\0" in data or digest in seen:
        return
    seen.add(digest)
    path = os.path.join(out, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    total += len(data)
    nfiles += 1
    if total >= limit:
        raise Full


def read(path):
    try:
        if path.endswith((".gz", ".dz")):
            with gzip.open(path) as f:
                return f.read()
        with open(path, "rb") as f:
            return f.read()
    except (OSError, EOFError):
        return b""


def flat(prefix, path):
    name = path.replace("/usr/share/", "", 1).replace("/", "-")
    if name.endswith(".gz"):
        name = name[:-3]
    return prefix + "/" + name + ".txt"


def files(top, keep):
    found = []
    for root, dirs, names in os.walk(top):
        for n in names:
            p = os.path.join(root, n)
            if os.path.isfile(p) and keep(n):
                found.append(p)
    return sorted(found)


def doc_file(n):
    low = n.lower()
    if any(x in low for x in (".html", ".tar", ".ps", ".pdf", ".png",
                              ".svg")):
        return False
    base = low[:-3] if low.endswith(".gz") else low
    return (base.startswith(("readme", "changelog", "news")) or
            base == "copyright" or base.endswith((".txt", ".md", ".rst")))


def man_batches():
    pages = []
    for sec in ("man1", "man8"):
        pages += files("/usr/share/man/" + sec, lambda n: n.endswith(".gz"))
    pages.sort()
    for k in range(0, len(pages), 100):
        text = subprocess.run(["mandoc", "-T", "utf8"] + pages[k:k + 100],
                              capture_output=True).stdout
        plain = subprocess.run(["col", "-bx"], input=text,
                               capture_output=True).stdout
        add("man/%05d.txt" % (k // 100), plain)


def dict_parts():
    for path in sorted(glob.glob("/usr/share/dictd/*.dict.dz")):
        base = os.path.basename(path)[:-len(".dict.dz")]
        part, size, k = [], 0, 0
        for line in read(path).splitlines(keepends=True):
            part.append(line)
            size += len(line)
            if size >= 1000000:
                add("dict/%s-%03d.txt" % (base, k), b"".join(part))
                part, size, k = [], 0, k + 1
        if part:
            add("dict/%s-%03d.txt" % (base, k), b"".join(part))


def build():
    squad = os.environ["SQUAD_DOCS"]
    for p in sorted(glob.glob(squad + "/*")):
        add("squad/" + os.path.basename(p), read(p))
    for p in files("/usr/share/common-licenses", lambda n: True):
        add(flat("licenses", p), read(p))
    for p in files("/usr/share/doc", doc_file):
        add(flat("doc", p), read(p))
    for p in files("/usr/share/info", lambda n: ".info" in n):
        add(flat("info", p), read(p))
    for p in sorted(glob.glob("/usr/share/vim/vim*/doc/*.txt")):
        add("vim/" + os.path.basename(p), read(p))
    dict_parts()
    if shutil.which("mandoc") and shutil.which("col"):
        man_batches()


shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
try:
    build()
except Full:
    pass
print("prose_corpus: %d files, %d bytes in %s" % (nfiles, total, out),
      file=sys.stderr)
EOF
