package dpdk

/*
#include "shim.h"
#include <rte_dev.h>
*/
import "C"

import (
	"fmt"
	"unsafe"
)

// AttachVdev creates a virtual device at run time (rte_eal_hotplug_add on
// the vdev bus), e.g. AttachVdev("net_af_packet0", "iface=eth1"), and
// returns its port. name starts with the driver name and must be unique.
func AttachVdev(name, args string) (Port, error) {
	if !Initialized() {
		return 0, ErrNotInitialized
	}
	bus := C.CString("vdev")
	defer C.free(unsafe.Pointer(bus))
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	ca := C.CString(args)
	defer C.free(unsafe.Pointer(ca))
	if rc := C.rte_eal_hotplug_add(bus, cn, ca); rc < 0 {
		return 0, errnoErr(fmt.Sprintf("attach vdev %q args %q", name, args), rc)
	}
	return PortByName(name)
}

// DetachVdev removes a virtual device created by AttachVdev or --vdev
// (rte_eal_hotplug_remove); stop its port first.
func DetachVdev(name string) error {
	bus := C.CString("vdev")
	defer C.free(unsafe.Pointer(bus))
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	if rc := C.rte_eal_hotplug_remove(bus, cn); rc < 0 {
		return errnoErr(fmt.Sprintf("detach vdev %q", name), rc)
	}
	return nil
}
