//go:build (linux || freebsd || netbsd || openbsd) && cgo

package zhlocale

/*
#include <langinfo.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

static int ctypeIsUTF8(void) {
	const char *cs = nl_langinfo(CODESET);
	return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0);
}

// chooseCtype takes LC_CTYPE from the environment, as the toolkit would, and
// when that is not UTF-8 (C, POSIX, a legacy GBK locale or one that is not
// installed) the first UTF-8 locale of the list that this system has.
static const char *chooseCtype(void) {
	static const char *const utf8[] = {"C.UTF-8", "C.utf8", "zh_CN.UTF-8", "en_US.UTF-8", NULL};
	const char *got = setlocale(LC_CTYPE, "");
	if (got != NULL && ctypeIsUTF8())
		return got;
	for (int i = 0; utf8[i] != NULL; i++) {
		got = setlocale(LC_CTYPE, utf8[i]);
		if (got != NULL && ctypeIsUTF8())
			return got;
	}
	return setlocale(LC_CTYPE, NULL);
}
*/
import "C"

// Ctype is the C library's LC_CTYPE after the program chose it, and
// CtypeUTF8 whether its character set is UTF-8.
//
// The X input method hands committed text over in the client's LC_CTYPE: under
// the plain C locale, which a program started from a service, a cron job or a
// bare terminal often has, Chinese is dropped without a word. GLFW takes
// LC_CTYPE from the environment when it starts (only if the program has not
// set one); choosing a UTF-8 one here, before the toolkit starts, keeps the
// environment's choice where it is UTF-8 and falls back to C.UTF-8 (present
// in every glibc since 2.35 and in Debian, UOS and Kylin) where it is not.
// Only the character type changes: messages, dates and sorting keep the
// environment's locale.
var (
	Ctype     string
	CtypeUTF8 bool
)

func init() {
	Ctype = C.GoString(C.chooseCtype())
	CtypeUTF8 = C.ctypeIsUTF8() != 0
}
