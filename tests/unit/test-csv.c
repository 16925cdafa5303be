#include <stdio.h>
#include <string.h>

#include "json/csv.h"
#include "unit.h"

static struct cg_csv csv;
static char why[256];

/* Feed text (lines split at '\n') and return the JSON line of its last
 * row, or "BAD: why", or "MORE"/"SKIP". */
static const char *feed(const char *text)
{
	static char out[1024];
	char buf[1024];
	char *line = buf, *nl;
	enum cg_csv_status st = CG_CSV_SKIP;

	snprintf(buf, sizeof(buf), "%s", text);
	for (;;) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		st = cg_csv_feed(&csv, line, strlen(line), why, sizeof(why));
		if (!nl)
			break;
		line = nl + 1;
	}
	if (st == CG_CSV_ROW)
		snprintf(out, sizeof(out), "%s", csv.json.buf);
	else if (st == CG_CSV_BAD)
		snprintf(out, sizeof(out), "BAD: %s", why);
	else
		snprintf(out, sizeof(out), "%s", st == CG_CSV_MORE ? "MORE" : "SKIP");
	return out;
}

TEST(header_and_types)
{
	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("\xEF\xBB\xBF姓名 , 手机号码,ＨＯＵＳＥＨＯＬＤ,体温,口罩,症状,方向,类型,Extra\r"), "SKIP");
	CHECK_INT((int)csv.nfields, 9);
	CHECK_STR(csv.fields[2], "household");
	CHECK_STR(csv.fields[8], "extra");
	CHECK_STR(feed("张三,138 0013 8000,3-2-501,36.5,是,咳嗽；乏力,出,访客,x\r"),
		  "{\"name\":\"张三\",\"phone\":\"138 0013 8000\",\"household\":\"3-2-501\","
		  "\"temp\":36.5,\"mask\":true,\"symptoms\":[\"咳嗽\",\"乏力\"],\"dir\":\"out\","
		  "\"kind\":\"visitor\",\"extra\":\"x\"}");
	/* Not a number or a boolean: kept as written, for the command to refuse. */
	CHECK_STR(feed("李四,,,hot,maybe,无,,,"),
		  "{\"name\":\"李四\",\"temp\":\"hot\",\"mask\":\"maybe\",\"symptoms\":[]}");
	CHECK_STR(feed(",,,,,,,,"), "SKIP");
	CHECK_STR(feed(""), "SKIP");
	CHECK_INT((int)csv.row, 5);
	cg_csv_release(&csv);
}

TEST(quotes)
{
	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("name,from"), "SKIP");
	CHECK_STR(feed("\"Li, \"\"Ming\"\"\",\"a\nb\"\r"),
		  "{\"name\":\"Li, \\\"Ming\\\"\",\"from\":\"a\\nb\"}");
	CHECK_INT((int)csv.row, 2);
	CHECK_STR(feed("x,\"open"), "MORE");
	CHECK_STR(feed("still"), "MORE");
	CHECK_INT(cg_csv_end(&csv, why, sizeof(why)), CG_CSV_BAD);
	CHECK_STR(csv.record.buf, "x,\"open\nstill");
	cg_csv_release(&csv);

	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("name,from"), "SKIP");
	CHECK_STR(feed("\"a\"b,c"), "BAD: text after the closing quote of cell 1");
	CHECK_STR(feed("a,b,c"), "BAD: 3 cells, but the header names 2 columns");
	CHECK_STR(feed("a\"b,c"), "{\"name\":\"a\\\"b\",\"from\":\"c\"}");
	CHECK_STR(feed("a\"b,\"c"), "MORE");
	CHECK_INT(cg_csv_end(&csv, why, sizeof(why)), CG_CSV_BAD);
	cg_csv_release(&csv);
}

TEST(encodings)
{
	/* 姓名,房号 / 张三,3-2-501 in GB18030. */
	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("\xD0\xD5\xC3\xFB,\xB7\xBF\xBA\xC5"), "SKIP");
	CHECK_STR(csv.fields[0], "name");
	CHECK_STR(csv.fields[1], "household");
	CHECK_STR(feed("\xD5\xC5\xC8\xFD,3-2-501"), "{\"name\":\"张三\",\"household\":\"3-2-501\"}");
	CHECK_STR(feed("\xFF,1"), "BAD: neither UTF-8 nor GB18030 text");
	cg_csv_release(&csv);

	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("姓名"), "SKIP");
	CHECK_STR(feed("\xD5\xC5\xC8\xFD"), "BAD: invalid UTF-8 (the file began as UTF-8)");
	cg_csv_release(&csv);
}

TEST(bad_headers)
{
	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("name,,phone"), "BAD: header: column 2 has no name");
	CHECK_STR(feed("a,b,c"), "BAD: no usable header row (row 1)");
	cg_csv_release(&csv);
	cg_csv_init(&csv, 4096);
	CHECK_STR(feed("手机,phone"), "BAD: header: columns 1 and 2 both name 'phone'");
	cg_csv_release(&csv);
	cg_csv_init(&csv, 16);
	CHECK_STR(feed("name"), "SKIP");
	CHECK_STR(feed("0123456789abcdefghij"), "BAD: row longer than 16 bytes");
	cg_csv_release(&csv);
}

TEST(path)
{
	CHECK_INT(cg_csv_path("list.csv"), 1);
	CHECK_INT(cg_csv_path("LIST.CSV"), 1);
	CHECK_INT(cg_csv_path("list.csv.gz"), 0);
	CHECK_INT(cg_csv_path(".csv"), 0);
	CHECK_INT(cg_csv_path("stdin"), 0);
}

int main(void)
{
	RUN(header_and_types);
	RUN(quotes);
	RUN(encodings);
	RUN(bad_headers);
	RUN(path);
	return UNIT_DONE();
}
