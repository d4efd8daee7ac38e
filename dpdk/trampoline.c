/* trampoline.c: the C function rte_eal_remote_launch runs on a worker lcore.
 * It lives in its own file because it calls an exported Go function, whose
 * declaration only _cgo_export.h provides. */
#include <stdint.h>
#include "_cgo_export.h"

int w2k_lcore_trampoline(void *arg)
{
	return w2kLcoreMain((unsigned int)(uintptr_t)arg);
}
