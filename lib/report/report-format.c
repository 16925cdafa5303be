/*
 * cg-report's formats: JSON, and the same sections written as aligned
 * text (a terminal, a mail from cron), Markdown or a self-contained HTML
 * page; CSV as metric,value rows or one list (--table).  Everything is
 * written from the JSON report, so a merged report prints as a single
 * one does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/exitcode.h"
#include "core/i18n.h"
#include "json/jsonl.h"
#include "core/cmd.h"
#include "report/report-doc.h"
#include "report/report.h"

const char *const cg_report_tables[] = {
	"fevers", "denials", "gates", "hours", "cases", "overstays", "warnings",
	"journals", "compounds", "corrections", NULL
};

int cg_report_format_parse(const char *s)
{
	static const char *const names[] = { "json", "text", "csv", "md", "html" };

	s = cg_format_name(s);	/* "txt" is "text" */
	for (int i = 0; i < 5; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

int cg_report_write(const json_t *rep, enum cg_report_format fmt,
		    const char *table, FILE *fp, struct cg_err *err)
{
	struct doc d = { fp, &cg_doc_text_format, rep, 0 };

	switch (fmt) {
	case CG_REPORT_JSON:
		if (json_dumpf(rep, fp, CG_JSON_DUMP_FLAGS) < 0)
			return cg_err_errno(err, errno == EPIPE ? CG_EXIT_PIPE : CG_EXIT_SYSTEM,
					    errno, _("cannot write to standard output"));
		fputc('\n', fp);
		break;
	case CG_REPORT_EXCEL:
		fputs("\xEF\xBB\xBF", fp);	/* else Excel reads the system code page */
		/* fall through */
	case CG_REPORT_CSV:
		cg_report_write_csv(fp, rep, table);
		break;
	case CG_REPORT_TEXT:
		cg_report_write_doc(&d);
		break;
	case CG_REPORT_MD:
		d.format = &cg_doc_md_format;
		cg_report_write_doc(&d);
		break;
	case CG_REPORT_HTML:
		d.format = &cg_doc_html_format;
		cg_report_write_doc(&d);
		break;
	}
	if (ferror(fp))
		return cg_err_errno(err, errno == EPIPE ? CG_EXIT_PIPE : CG_EXIT_SYSTEM, errno,
				    _("cannot write to standard output"));
	return 0;
}
