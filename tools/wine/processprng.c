/*
 * TEST-ONLY stand-in for ProcessPrng from bcryptprimitives.dll, for running
 * the Windows build under wine 8 (Debian 12), which lacks it. It is never
 * shipped: the Windows smoke test (windows_test.go) compiles it with
 * mingw-w64 into the temporary wine prefix it makes, and nowhere else.
 *
 * Go 1.22 and later take their random numbers from ProcessPrng on Windows
 * (present since Windows 10); a program that cannot find it stops at start.
 * Here it asks RtlGenRandom (advapi32's SystemFunction036), which wine has.
 * Drop this when the CI machine's wine has ProcessPrng itself (Debian 12 has
 * wine 8.0, which does not).
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG n = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, n))
			return FALSE;
		data += n;
		length -= n;
	}
	return TRUE;
}
