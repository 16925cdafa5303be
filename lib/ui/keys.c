#include <errno.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/keys.h"

/*
 * The one piece of mutable state outside a struct: a signal handler is
 * given nothing but the signal, so it can only leave a flag where the
 * read loop finds it.
 */
static volatile sig_atomic_t caught;

static const int signals[3] = { SIGTERM, SIGHUP, SIGINT };

static void on_signal(int sig)
{
	caught = sig;
}

void cg_keys_open(struct cg_keys *k)
{
	struct sigaction sa;
	struct termios t;
	sigset_t blocked;

	memset(k, 0, sizeof(*k));
	k->fd = STDIN_FILENO;
	caught = 0;
	/* No SA_RESTART: a signal ends the read it interrupts. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(signals[i], &sa, &k->old[i]);
	sigprocmask(SIG_SETMASK, NULL, &k->mask);
	if (!isatty(k->fd) || tcgetattr(k->fd, &k->saved) < 0)
		return;
	t = k->saved;
	/* Keys one at a time, unechoed; Ctrl-C, Ctrl-D, Ctrl-Z and Ctrl-S are
	 * keys, not signals or flow control.  CR still reads as a newline
	 * and output keeps its newline translation. */
	t.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ISIG | IEXTEN);
	t.c_iflag &= ~(tcflag_t)(IXON | INLCR | IGNCR);
	t.c_iflag |= ICRNL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	/* TCSANOW, not TCSAFLUSH: what a scanner already sent is kept. */
	if (tcsetattr(k->fd, TCSANOW, &t) < 0)
		return;
	k->raw = 1;
	/* Delivered only inside pselect (wait_key): never between looking at
	 * the flag and blocking in read. */
	sigemptyset(&blocked);
	for (int i = 0; i < 3; i++)
		sigaddset(&blocked, signals[i]);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
}

void cg_keys_close(struct cg_keys *k)
{
	if (k->raw)
		tcsetattr(k->fd, TCSANOW, &k->saved);
	/* A signal still pending is taken by our handler, then the old
	 * handlers are back. */
	if (k->raw)
		sigprocmask(SIG_SETMASK, &k->mask, NULL);
	k->raw = 0;
	for (int i = 0; i < 3; i++)
		sigaction(signals[i], &k->old[i], NULL);
	free(k->line);
	k->line = NULL;
	k->len = k->alloc = 0;
}

static int append(struct cg_keys *k, unsigned char c)
{
	if (k->len + 2 > k->alloc) {
		size_t n = k->alloc ? 2 * k->alloc : 128;
		char *p = realloc(k->line, n);

		if (!p)
			return -1;
		k->line = p;
		k->alloc = n;
	}
	k->line[k->len++] = (char)c;
	k->line[k->len] = '\0';
	return 0;
}

static void echo(const char *s)
{
	fputs(s, stderr);
	fflush(stderr);
}

/* Take the last character (UTF-8) off the answer, and off the screen:
 * Chinese characters take two columns. */
static void erase_one(struct cg_keys *k)
{
	size_t start = k->len;
	unsigned cp = 0;

	while (start > 0 && ((unsigned char)k->line[--start] & 0xC0) == 0x80)
		;
	for (size_t i = start; i < k->len; i++) {
		unsigned char b = (unsigned char)k->line[i];

		cp = i == start ? (b >= 0xF0 ? b & 7u : b >= 0xE0 ? b & 15u : b >= 0xC0 ? b & 31u : b)
				: (cp << 6) | (b & 63u);
	}
	k->len = start;
	k->line[start] = '\0';
	echo(cp >= 0x2E80 ? "\b\b  \b\b" : "\b \b");
}

/*
 * One byte from the terminal: 1, or 0 at end of input, -1 on an error or
 * when a signal asked to end.  The signals blocked elsewhere are let in
 * only while waiting.
 */
static int key(struct cg_keys *k, unsigned char *c)
{
	fd_set in;

	for (;;) {
		if (caught)
			return -1;
		FD_ZERO(&in);
		FD_SET(k->fd, &in);
		if (pselect(k->fd + 1, &in, NULL, NULL, NULL, &k->mask) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		switch (read(k->fd, c, 1)) {
		case 1:
			return 1;
		case 0:
			return 0;
		default:
			if (errno != EINTR && errno != EAGAIN)
				return -1;
		}
	}
}

/* An escape sequence (an arrow or function key): read and dropped. */
static void skip_escape(struct cg_keys *k)
{
	unsigned char c;

	if (key(k, &c) != 1 || (c != '[' && c != 'O'))
		return;
	while (key(k, &c) == 1 && !(c >= 0x40 && c <= 0x7E))
		;
}

static int one_key(struct cg_keys *k, unsigned char c, const char **answer)
{
	char s[2] = { (char)c, '\0' };

	k->len = 0;
	if (append(k, c) < 0)
		return CG_KEY_EOF;
	echo(s);
	echo("\n");
	*answer = k->line;
	return CG_KEY_ANSWER;
}

static enum cg_key_result read_raw(struct cg_keys *k, const char *single,
				   const char **answer)
{
	unsigned char c;

	/* The buffer exists even for an empty answer. */
	if (!k->line && append(k, ' ') < 0)
		return CG_KEY_EOF;
	k->len = 0;
	k->line[0] = '\0';
	for (;;) {
		if (key(k, &c) != 1)
			return CG_KEY_EOF;
		if (c == 3 || c == 4) {
			echo("\n");
			return CG_KEY_STOP;
		}
		if (c == '\n' || c == '\r') {
			echo("\n");
			*answer = k->line;
			return CG_KEY_ANSWER;
		}
		if (c == 0x7F || c == '\b') {
			if (!k->len) {
				echo("<\n");
				return CG_KEY_BACK;
			}
			erase_one(k);
		} else if (c == 0x15) {		/* Ctrl-U: start the answer again */
			while (k->len)
				erase_one(k);
		} else if (c == 0x1B) {
			skip_escape(k);
		} else if (c >= 0x20 || c == '\t') {
			if (!k->len && c == '<') {
				echo("<\n");
				return CG_KEY_BACK;
			}
			if (!k->len && single && c < 0x80 && strchr(single, c))
				return one_key(k, c, answer);
			if (append(k, c) < 0)
				return CG_KEY_EOF;
			fputc(c, stderr);
			fflush(stderr);
		}
	}
}

static enum cg_key_result read_line(struct cg_keys *k, const char **answer)
{
	ssize_t n;

	errno = 0;
	n = caught ? -1 : getline(&k->line, &k->alloc, stdin);
	if (n < 0)
		return CG_KEY_EOF;
	while (n > 0 && (k->line[n - 1] == '\n' || k->line[n - 1] == '\r'))
		k->line[--n] = '\0';
	/* Nothing echoed the answer: the next question on a line of its own. */
	echo("\n");
	k->len = (size_t)n;
	if (!strcmp(k->line, "<"))
		return CG_KEY_BACK;
	*answer = k->line;
	return CG_KEY_ANSWER;
}

enum cg_key_result cg_keys_read(struct cg_keys *k, const char *single,
				const char **answer)
{
	return k->raw ? read_raw(k, single, answer) : read_line(k, answer);
}
