/* corpus.h - readers that turn documents into records.
 *
 * Question/answer formats:
 *   - numbered Q&A text ("N. question" / "Ans:" / answer lines), *.txt
 *   - JSON Lines: {"question","answer"[,"id"]} or BEIR {"_id","title","text"},
 *     *.jsonl / *.ndjson
 *   - Markdown: a heading is a question, the text under it the answer, *.md
 * A text or Markdown file that holds no Q&A records (text: none, or no
 * "Ans:" marker at all) is read as prose instead and cut into passages
 * (passage.h): the heading path is the question, the passage the answer,
 * the id "file:line".  HTML (*.html, *.htm, or a leading "<html" or
 * doctype) is always read as prose (html.h); files a converter rule names
 * (convert.h) are read through the converter, as text.  The format is
 * chosen by file extension; other files are sniffed (a first non-blank
 * byte '{' means JSONL, a leading '#' heading means Markdown, else text).
 *
 * Ownership: a struct corpus_rec passed to the callback is borrowed; its
 * strings live until the callback returns.  Copy what you keep. */
#ifndef QUARRY_CORPUS_H
#define QUARRY_CORPUS_H

#include <stddef.h>

#include "../util/err.h"

enum { CORPUS_QA = 0, CORPUS_PASSAGE = 1 };

struct corpus_rec {
	const char *id;       /* question number, JSON id, ordinal or file:line */
	const char *question; /* valid UTF-8, NUL-terminated, trimmed */
	const char *answer;   /* valid UTF-8, may be "" */
	const char *source;   /* the path as given to corpus_read_* */
	long line;            /* 1-based line where the record starts */
	int kind;             /* CORPUS_QA or CORPUS_PASSAGE */
	const char *format;   /* "txt", "md", "jsonl", "html" or the converter's
			       * extension; static or owned by the options */
};

/* Called once per record.  Return 0 to go on; non-zero stops the reader,
 * which then returns that value. */
typedef int (*corpus_rec_fn)(void *ctx, const struct corpus_rec *rec);

/* Called for a non-fatal problem ("file:line: invalid UTF-8 replaced"). */
typedef void (*corpus_warn_fn)(void *ctx, const char *msg);

/* Asked before corpus_read_path reads a file: 0 skips it (an update
 * leaves unchanged files alone). */
typedef int (*corpus_want_fn)(void *ctx, const char *path);

/* What a file was when it was read, all of it taken from the descriptor
 * the reader consumed: a file replaced or edited meanwhile is described
 * as the bytes that were parsed, never as the new file. */
struct corpus_file {
	long long size;     /* bytes read (the size at open, or fewer) */
	long long mtime_ns; /* st_mtim at open, in nanoseconds */
	char hash[17];      /* FNV-1a 64 of the bytes read, 16 hex digits */
};

/* Called after the last record of a file that gave records (and only
 * then), with what was read.  Non-zero stops the reader, as on_rec. */
typedef int (*corpus_file_fn)(void *ctx, const char *path,
			      const struct corpus_file *f);

/* How text and Markdown files are read: detected per file, or forced. */
enum corpus_as { CORPUS_AS_AUTO, CORPUS_AS_QA, CORPUS_AS_PASSAGES };

struct conv;

struct corpus_opts {
	enum corpus_as as;
	size_t passage_bytes;   /* passage bound, 0: PSG_MAX_BYTES */
	const struct conv *conv; /* converter rules, may be NULL */
};

struct corpus_reader {
	corpus_rec_fn on_rec;
	corpus_warn_fn on_warn; /* may be NULL */
	void *ctx;
	corpus_want_fn want;    /* may be NULL: every file */
	corpus_file_fn on_file; /* may be NULL */
	/* A file a directory walk never reads, with its companions beside
	 * it (NAME-journal, NAME-wal, NAME-shm, NAME.tmp-*): the
	 * index being written.  NULL: none. */
	const char *exclude;
	/* Files named directly are treated as inside a walk: one that holds
	 * no records (empty, binary, too big) is a warning, not an error. */
	int lenient;
	const struct corpus_opts *opts; /* may be NULL: detect, no converters */
};

/* The largest file read whole (numbered text, Markdown, a JSON array);
 * JSON Lines are streamed, a line at a time, whatever their size. */
#define CORPUS_MAX_WHOLE ((long long)1 << 30)

/* Parse one file.  Only regular files are read (opened without blocking,
 * so a FIFO never hangs the open), up to the size they had when opened.
 * *nrecs (may be NULL) receives the records delivered.  Errors: QERR_IO
 * (cannot open/read, not a regular file), QERR_DATA (empty file, binary
 * or UTF-16 file, too big to read whole, no records found, a converter
 * that failed); a non-zero callback result is returned as is. */
int corpus_read_file(const struct corpus_reader *r, const char *path,
		     long *nrecs, struct qerr *err);

/* Describe a file as corpus_read_file would record it (without parsing
 * it): QERR_IO when it cannot be read or is not a regular file. */
int corpus_file_info(const char *path, struct corpus_file *f,
		     struct qerr *err);

/* Parse a file already in memory (used for the embedded corpus and tests).
 * name is used as the source and in messages; fmt_hint is the extension
 * (e.g. "txt", "jsonl", "md") or NULL to sniff. */
int corpus_read_mem(const struct corpus_reader *r, const char *name,
		    const char *fmt_hint, const char *data, size_t len,
		    long *nrecs, struct qerr *err);

/* Parse a file, or every regular file under a directory (recursively, in
 * sorted order, skipping hidden entries, r->exclude and its companions,
 * and, with a warning, files that cannot be read or hold no Q&A
 * records).  Symlink loops are detected.  Files that r->want declines
 * are skipped silently (and count as found). */
int corpus_read_path(const struct corpus_reader *r, const char *path,
		     long *nrecs, struct qerr *err);

#endif
