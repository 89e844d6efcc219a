/* test_conffile.c - the config file reader: sections, comments, quotes,
 * the last value winning, FILE:LINE in errors, a missing file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../util/conffile.h"

static char path[64];

/* Write text to a fresh temporary file (mode 0600), its name in path. */
static void write_file(const char *text)
{
	int fd;

	strcpy(path, "/tmp/quarry-conffile.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static const char *get(const struct conffile *c, const char *section,
		       const char *key)
{
	const struct conf_entry *e = conf_get(c, section, key);

	return e ? e->value : NULL;
}

static void test_sections(void **state)
{
	struct conffile *c = NULL;
	struct qerr err = {0};

	(void)state;
	write_file("# a comment\n"
		   "model = top   # trailing comment\n"
		   "url=\"http://x/#frag\"\n"
		   "model = again\n"
		   "\n"
		   "[ollama]\n"
		   "  model = llama3\n"
		   "[empty]\n"
		   "[open.ai-2]\n"
		   "key_env = 'KEY # kept'\n");
	assert_int_equal(conf_load(path, &c, &err), 0);
	assert_non_null(c);
	assert_string_equal(get(c, NULL, "model"), "again");
	assert_int_equal(conf_get(c, NULL, "model")->line, 4);
	assert_string_equal(get(c, NULL, "url"), "http://x/#frag");
	assert_string_equal(get(c, "ollama", "model"), "llama3");
	assert_null(get(c, "ollama", "url"));
	assert_null(get(c, NULL, "key_env"));
	assert_string_equal(get(c, "open.ai-2", "key_env"), "KEY # kept");
	assert_true(conf_has_section(c, "ollama"));
	assert_false(conf_has_section(c, "empty")); /* no keys: nothing to use */
	assert_false(conf_has_section(c, "nope"));
	assert_false(c->others);
	conf_free(c);
	unlink(path);
}

static void test_errors(void **state)
{
	struct conffile *c = (struct conffile *)1;
	struct qerr err = {0};

	(void)state;
	write_file("model = m\nthis line has no equals sign\n");
	assert_int_equal(conf_load(path, &c, &err), QERR_DATA);
	assert_null(c);
	assert_non_null(strstr(err.msg, ":2: expected `key = value`"));
	unlink(path);

	qerr_clear(&err);
	write_file("[bad name]\nurl = x\n");
	assert_int_equal(conf_load(path, &c, &err), QERR_DATA);
	assert_non_null(strstr(err.msg, ":1: expected `[name]`"));
	unlink(path);

	qerr_clear(&err);
	write_file("[ok] trailing\n");
	assert_int_equal(conf_load(path, &c, &err), QERR_DATA);
	unlink(path);

	qerr_clear(&err);
	c = (struct conffile *)1;
	assert_int_equal(conf_load("/nonexistent/quarry/config", &c, &err), 0);
	assert_null(c);
	assert_int_equal(conf_load("/dev/null", &c, &err), QERR_IO);
	assert_null(conf_get(NULL, NULL, "model"));
	conf_free(NULL);
}

static void test_readable_by_others(void **state)
{
	struct conffile *c = NULL;

	(void)state;
	write_file("api_key = sk-x\n");
	chmod(path, 0644);
	assert_int_equal(conf_load(path, &c, NULL), 0);
	assert_true(c->others);
	conf_free(c);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_readable_by_others),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
