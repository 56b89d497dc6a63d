/*
 * rules_node.c - the rules reader's view of a YAML document (rules_int.h):
 * nodes, their text, and messages at their marks.
 */
#include <stdarg.h>
#include <stdio.h>

#include "rules_int.h"

int rules_fail(struct rules_ld *L, const yaml_node_t *n, int coloff,
	       const char *fmt, ...)
{
	char msg[RULES_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* one line: a key or value quoted in it may hold a newline */
	for (char *p = msg; *p; p++)
		if ((unsigned char)*p < 0x20)
			*p = ' ';
	snprintf(L->err, L->errlen, "%s:%zu:%zu: %s", L->path,
		 n ? n->start_mark.line + 1 : 1,
		 n ? n->start_mark.column + 1 + (size_t)coloff : 1, msg);
	return -1;
}

const char *rules_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ?
	       (const char *)n->data.scalar.value : NULL;
}

yaml_node_t *rules_node(struct rules_ld *L, yaml_node_item_t i)
{
	return yaml_document_get_node(L->doc, i);
}
