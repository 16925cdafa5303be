/*
 * helper-jq-field NAME [FILE]...: what "jq -r .NAME [FILE]..." prints, for
 * the tests, which ask it thousands of times: jq 1.6 compiles its builtins
 * at every start (35 ms of CPU), a quarter of make check's time.
 *
 * Only what is certain to print as jq prints it is answered here: each
 * input value an object or null, each NAME value a string (raw), a
 * boolean, null, or an integer jq holds exactly (|n| <= 2^53).  Anything
 * else (a real, an object, an array, a parse error, a missing file) is
 * handed to jq itself, with the input already read, so that the output,
 * the messages and the exit status are jq's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <jansson.h>

#include "core/buf.h"

#define EXACT_MAX 9007199254740992LL	/* 2^53 */

static int read_all(FILE *fp, struct cg_buf *b)
{
	char chunk[65536];
	size_t n;

	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		if (cg_buf_add(b, chunk, n) < 0)
			return -1;
	return ferror(fp) ? -1 : 0;
}

/* One value's NAME as jq -r prints it, into out; -1 when jq must say. */
static int print_field(const json_t *v, const char *name, struct cg_buf *out)
{
	const json_t *f;
	char num[32];

	if (!json_is_object(v) && !json_is_null(v))
		return -1;
	f = json_is_object(v) ? json_object_get(v, name) : NULL;
	if (!f || json_is_null(f))
		return cg_buf_addstr(out, "null\n");
	if (json_is_string(f)) {
		if (cg_buf_add(out, json_string_value(f), json_string_length(f)) < 0)
			return -1;
		return cg_buf_addch(out, '\n');
	}
	if (json_is_boolean(f))
		return cg_buf_addstr(out, json_is_true(f) ? "true\n" : "false\n");
	if (json_is_integer(f) && json_integer_value(f) <= EXACT_MAX &&
	    json_integer_value(f) >= -EXACT_MAX) {
		snprintf(num, sizeof(num), "%lld\n", (long long)json_integer_value(f));
		return cg_buf_addstr(out, num);
	}
	return -1;
}

/* Every value of text, one after the other as jq reads them. */
static int answer(const struct cg_buf *text, const char *name, struct cg_buf *out)
{
	size_t off = 0;

	for (;;) {
		json_error_t jerr;
		json_t *v;
		int st;

		while (off < text->len && strchr(" \t\r\n", text->buf[off]))
			off++;
		if (off == text->len)
			return 0;
		v = json_loadb(text->buf + off, text->len - off,
			       JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
		if (!v)
			return -1;
		off += jerr.position;
		st = print_field(v, name, out);
		json_decref(v);
		if (st < 0)
			return -1;
	}
}

/* jq itself, on the files, or on stdin's text already read. */
static void hand_to_jq(char **argv, int from_stdin, const struct cg_buf *text)
{
	int fd[2];

	argv[0] = "jq";
	if (from_stdin && pipe(fd) == 0) {
		pid_t pid = fork();

		if (pid == 0) {
			close(fd[0]);
			if (text->len && write(fd[1], text->buf, text->len) < 0)
				_exit(1);
			_exit(0);
		}
		close(fd[1]);
		dup2(fd[0], 0);
		close(fd[0]);
	}
	execvp("jq", argv);
	perror("helper-jq-field: jq");
	exit(127);
}

int main(int argc, char **argv)
{
	struct cg_buf text = CG_BUF_INIT(1u << 30), out = CG_BUF_INIT(1u << 30);
	char **jq_argv = calloc((size_t)argc + 3, sizeof(*jq_argv));
	char field[256];
	int i;

	if (!jq_argv || argc < 2 || strlen(argv[1]) + 2 > sizeof(field)) {
		fprintf(stderr, "usage: helper-jq-field NAME [FILE]...\n");
		return 2;
	}
	/* jq's own arguments, should it be asked. */
	snprintf(field, sizeof(field), ".%s", argv[1]);
	jq_argv[0] = "jq";
	jq_argv[1] = "-r";
	jq_argv[2] = field;
	for (i = 2; i < argc; i++)
		jq_argv[i + 1] = argv[i];
	jq_argv[argc + 1] = NULL;
	for (i = 2; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");

		if (!fp || read_all(fp, &text) < 0)
			hand_to_jq(jq_argv, 0, &text);
		fclose(fp);
	}
	if (argc == 2 && read_all(stdin, &text) < 0)
		return 2;
	if (answer(&text, argv[1], &out) < 0)
		hand_to_jq(jq_argv, argc == 2, &text);
	fwrite(out.buf, 1, out.len, stdout);
	cg_buf_release(&text);
	cg_buf_release(&out);
	free(jq_argv);
	return fflush(stdout) == 0 ? 0 : 2;
}
