/* term.h - text made safe to show on a terminal.
 *
 * Everything quarry shows to a person comes from somewhere it does not
 * control: file names, record text, an endpoint's reply.  A terminal reads
 * control characters in that text as commands (ESC ] 0 retitles the
 * window, ESC ] 52 writes the clipboard, CSI moves the cursor), so before
 * it is written, every control character is replaced by a visible form,
 * as less and cat -v show them:
 *
 *   C0 controls and DEL   caret notation: ESC is ^[, BEL ^G, NUL ^@, DEL ^?
 *   C1 controls           U+0080..U+009F as <U+009B> (less's form); their
 *                         8-bit forms cannot occur: a lone byte 0x80..0xFF
 *                         that is not part of valid UTF-8 becomes U+FFFD
 *   TERM_TEXT             keeps \n and \t (layout of record text, replies)
 *   TERM_NAME             shows \n, \r and \t as the two characters \n, \r,
 *                         \t, so a file name or id cannot forge a line
 *
 * Nothing is dropped, so what was hidden stays visible and a person can
 * see that a name or reply held something odd.  Printable text, including
 * all of Unicode above U+009F, passes unchanged. */
#ifndef QUARRY_TERM_H
#define QUARRY_TERM_H

#include <stddef.h>

#include "buf.h"

enum term_mode { TERM_TEXT, TERM_NAME };

/* Append s[0..n) to out with every control character made visible.
 * Returns 0, or -1 when memory runs out (out may then hold part). */
int term_clean(struct buf *out, const char *s, size_t n, enum term_mode mode);

/* A malloc'ed clean copy of the C string s (NULL prints as ""), or NULL
 * when memory runs out.  Caller frees. */
char *term_dup(const char *s, enum term_mode mode);

/* Text that arrives in pieces (a streamed reply): a UTF-8 sequence cut
 * between two pieces is held back until its end arrives, so C1 controls
 * in UTF-8 form are caught whatever the cut.  Zero-initialise, or use
 * TERM_STREAM_INIT. */
struct term_stream {
	enum term_mode mode;
	unsigned char pend[4]; /* the start of a cut UTF-8 sequence */
	size_t npend;
};
#define TERM_STREAM_INIT(m) {(m), {0, 0, 0, 0}, 0}

/* Append the clean form of the next piece to out.  0, or -1 when memory
 * runs out. */
int term_stream_feed(struct term_stream *st, struct buf *out, const char *s,
		     size_t n);
/* End of the text: a sequence still held back was cut short and becomes
 * U+FFFD.  0 or -1. */
int term_stream_end(struct term_stream *st, struct buf *out);

#endif
