/*
 * What jq -r prints for the three programs the tests ask thousands of
 * times (jq 1.6 compiles its builtins at every start, 35 ms of CPU, a
 * quarter of make check's time):
 *
 *   helper-jq-field NAME [FILE]...             .NAME
 *   helper-jq-field --tostring NAME [FILE]...  .[NAME] | if type == "array"
 *                                              then join(",") else tostring end
 *   helper-jq-field --verdict [FILE]...        .decision + " " +
 *                                              (.reasons | join(","))
 *
 * Only what is certain to print as jq prints it is answered here: each
 * input value an object or null, each value printed a string (raw), a
 * boolean, null, an integer jq holds exactly (|n| <= 2^53), or (joined)
 * an array of strings and nulls.  Anything else (a real, an object, a
 * parse error, a missing file) is handed to jq itself, with the input
 * already read, so that the output, the messages and the exit status are
 * jq's own.
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

enum program { FIELD, TOSTRING, VERDICT };

static const char *const program_text[] = {
	[TOSTRING] = ".[$f] | if type == \"array\" then join(\",\") else tostring end",
	[VERDICT] = ".decision + \" \" + (.reasons | join(\",\"))",
};

/* A scalar as jq -r prints it (without the newline); -1 when jq must say. */
static int print_scalar(const json_t *f, struct cg_buf *out)
{
	char num[32];

	if (!f || json_is_null(f))
		return cg_buf_addstr(out, "null");
	if (json_is_string(f))
		return cg_buf_add(out, json_string_value(f), json_string_length(f));
	if (json_is_boolean(f))
		return cg_buf_addstr(out, json_is_true(f) ? "true" : "false");
	if (json_is_integer(f) && json_integer_value(f) <= EXACT_MAX &&
	    json_integer_value(f) >= -EXACT_MAX) {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(f));
		return cg_buf_addstr(out, num);
	}
	return -1;
}

/* join(","), for arrays of strings and nulls (a null joins as ""). */
static int print_joined(const json_t *a, struct cg_buf *out)
{
	size_t i;
	json_t *e;

	json_array_foreach(a, i, e) {
		if (i && cg_buf_addch(out, ',') < 0)
			return -1;
		if (json_is_string(e)) {
			if (cg_buf_add(out, json_string_value(e), json_string_length(e)) < 0)
				return -1;
		} else if (!json_is_null(e)) {
			return -1;
		}
	}
	return 0;
}

/* One value as the program prints it, into out; -1 when jq must say. */
static int print_value(const json_t *v, enum program prog, const char *name,
		       struct cg_buf *out)
{
	const json_t *f;

	if (!json_is_object(v) && !json_is_null(v))
		return -1;
	if (prog == VERDICT) {
		f = json_object_get(v, "decision");
		if (!json_is_string(f) || !json_is_array(json_object_get(v, "reasons")) ||
		    print_scalar(f, out) < 0 || cg_buf_addch(out, ' ') < 0 ||
		    print_joined(json_object_get(v, "reasons"), out) < 0)
			return -1;
		return cg_buf_addch(out, '\n');
	}
	f = json_is_object(v) ? json_object_get(v, name) : NULL;
	if (prog == TOSTRING && json_is_array(f)) {
		if (print_joined(f, out) < 0)
			return -1;
	} else if (print_scalar(f, out) < 0) {
		return -1;
	}
	return cg_buf_addch(out, '\n');
}

/* Every value of text, one after the other as jq reads them. */
static int answer(const struct cg_buf *text, enum program prog, const char *name,
		  struct cg_buf *out)
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
		st = print_value(v, prog, name, out);
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

static void usage(void)
{
	fprintf(stderr, "usage: helper-jq-field [--tostring] NAME [FILE]...\n"
		"       helper-jq-field --verdict [FILE]...\n");
	exit(2);
}

/*
 * jq's own arguments for prog, should it be asked: jq -r [--arg f NAME]
 * PROGRAM FILE...; the files are argv from first.
 */
static char **jq_arguments(enum program prog, const char *name, char *field,
			   size_t field_size, int argc, char **argv, int first)
{
	char **jq_argv = calloc((size_t)argc + 6, sizeof(*jq_argv));
	int n = 0;

	if (!jq_argv)
		usage();
	jq_argv[n++] = "jq";
	jq_argv[n++] = "-r";
	if (prog == FIELD) {
		snprintf(field, field_size, ".%s", name);
		jq_argv[n++] = field;
	} else {
		if (prog == TOSTRING) {
			jq_argv[n++] = "--arg";
			jq_argv[n++] = "f";
			jq_argv[n++] = (char *)name;
		}
		jq_argv[n++] = (char *)program_text[prog];
	}
	for (int i = first; i < argc; i++)
		jq_argv[n++] = argv[i];
	return jq_argv;
}

int main(int argc, char **argv)
{
	struct cg_buf text = CG_BUF_INIT(1u << 30), out = CG_BUF_INIT(1u << 30);
	enum program prog = FIELD;
	const char *name = "";
	char field[256];
	char **jq_argv;
	int first = 1, i;

	if (argc > 1 && strcmp(argv[1], "--tostring") == 0)
		prog = TOSTRING, first++;
	else if (argc > 1 && strcmp(argv[1], "--verdict") == 0)
		prog = VERDICT, first++;
	if (prog != VERDICT) {
		if (first >= argc || strlen(argv[first]) + 2 > sizeof(field))
			usage();
		name = argv[first++];
	}
	jq_argv = jq_arguments(prog, name, field, sizeof(field), argc, argv, first);
	for (i = first; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");

		if (!fp || read_all(fp, &text) < 0)
			hand_to_jq(jq_argv, 0, &text);
		fclose(fp);
	}
	if (first == argc && read_all(stdin, &text) < 0)
		return 2;
	if (answer(&text, prog, name, &out) < 0)
		hand_to_jq(jq_argv, first == argc, &text);
	fwrite(out.buf, 1, out.len, stdout);
	cg_buf_release(&text);
	cg_buf_release(&out);
	free(jq_argv);
	return fflush(stdout) == 0 ? 0 : 2;
}
