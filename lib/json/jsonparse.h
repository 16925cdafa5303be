#ifndef CG_JSONPARSE_H
#define CG_JSONPARSE_H

#include <stddef.h>
#include <jansson.h>

/*
 * A strict JSON (RFC 8259) parser for one record line, building Jansson
 * values.  Jansson's own parser reads through a character stream one call
 * per byte and is the larger part of a check-in's cost; this one walks the
 * buffer directly and accepts exactly what json_loadb() accepts with
 * JSON_REJECT_DUPLICATES | JSON_DECODE_ANY (tests/unit/test-jsonparse.c
 * holds the two to that), so the choice never changes what a command
 * accepts.
 *
 * s need not be NUL-terminated.  Strings are checked to be UTF-8, and
 * outside them any byte past ASCII is refused, so a text that parses is
 * valid UTF-8; cg_jsonl_parse gives the reason of a line that does not
 * (a NUL byte, invalid UTF-8, too deep) as its own check finds it.
 * Returns a new reference, or
 * NULL with a reason ("... at column N") in why.  Nesting is limited to
 * max_depth arrays and objects.
 */
json_t *cg_json_parse(const char *s, size_t len, int max_depth,
		      char *why, size_t whylen);

/*
 * The same, with the outermost object parsed into obj (borrowed, new,
 * holding only its head: up to 64 members that must come first in the
 * record), so that a caller who would copy the line's members after a
 * head of its own does not have to: a member of the line named as one of
 * the head replaces its value where it stands (once; a second is a
 * duplicate), the others follow.  Returns a new reference (obj itself
 * when the line is an object), or NULL with a reason in why, obj then
 * holding part of the line.
 */
json_t *cg_json_parse_into(json_t *obj, const char *s, size_t len, int max_depth,
			   char *why, size_t whylen);

#endif
