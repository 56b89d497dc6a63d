/*
 * etw_probe.c - what this Windows (wine, in the suite) gives a real-time
 * ETW session on the Microsoft-Windows-Kernel-Network provider
 * ({7DD42A49-5329-4832-8DFD-43D979153A88}: its TCP/UDP send, receive,
 * connect and accept events carry the pid), the way an ETW attribution
 * back end would ask: StartTraceW (EVENT_TRACE_REAL_TIME_MODE),
 * EnableTraceEx2 (level 4, keywords 0x30: KERNEL_NETWORK_KEYWORD_IPV4 and
 * _IPV6), OpenTraceW (PROCESS_TRACE_MODE_REAL_TIME | EVENT_RECORD).  One
 * line says what each returned; exit 0 when OpenTraceW gives no handle
 * (no event can be consumed: porttop.exe has no ETW back end to test),
 * 3 when it does (an ETW back end could now be exercised here).
 * tests/windows/run.sh prints the line as its SKIP reason, README
 * "Windows" quotes it for wine 8.0.
 */
#include <windows.h>
#include <evntrace.h>
#include <evntcons.h>
#include <stdio.h>
#include <stdlib.h>

static const GUID kernel_network = {
	0x7dd42a49, 0x5329, 0x4832,
	{ 0x8d, 0xfd, 0x43, 0xd9, 0x79, 0x15, 0x3a, 0x88 } };

static void WINAPI on_event(PEVENT_RECORD r)
{
	(void)r;
}

int main(void)
{
	static wchar_t name[] = L"porttop-etw-probe";
	size_t size = sizeof(EVENT_TRACE_PROPERTIES) + sizeof(name);
	EVENT_TRACE_PROPERTIES *p = calloc(1, size);
	EVENT_TRACE_LOGFILEW lf = { 0 };
	TRACEHANDLE session = 0, trace;
	ULONG start, enable, stop;
	DWORD open_err;

	if (!p)
		return 1;
	p->Wnode.BufferSize = (ULONG)size;
	p->Wnode.Flags = WNODE_FLAG_TRACED_GUID;
	p->Wnode.ClientContext = 1;	/* QueryPerformanceCounter times */
	p->LogFileMode = EVENT_TRACE_REAL_TIME_MODE;
	p->LoggerNameOffset = sizeof(*p);
	start = StartTraceW(&session, name, p);
	enable = EnableTraceEx2(session, &kernel_network,
				EVENT_CONTROL_CODE_ENABLE_PROVIDER,
				TRACE_LEVEL_INFORMATION, 0x30, 0, 0, NULL);
	lf.LoggerName = name;
	lf.ProcessTraceMode = PROCESS_TRACE_MODE_REAL_TIME |
			      PROCESS_TRACE_MODE_EVENT_RECORD;
	lf.EventRecordCallback = on_event;
	SetLastError(0);
	trace = OpenTraceW(&lf);
	open_err = GetLastError();
	stop = ControlTraceW(session, name, p, EVENT_TRACE_CONTROL_STOP);
	printf("StartTraceW %lu (session handle %#llx), EnableTraceEx2 "
	       "(Kernel-Network) %lu, OpenTraceW %s (error %lu), "
	       "ControlTraceW stop %lu\n", start,
	       (unsigned long long)session, enable,
	       trace == INVALID_PROCESSTRACE_HANDLE ? "INVALID_PROCESSTRACE_HANDLE"
	       : "a handle", open_err, stop);
	if (trace != INVALID_PROCESSTRACE_HANDLE) {
		CloseTrace(trace);
		return 3;
	}
	return 0;
}
