package pgtemp

import (
	"os"
	"strconv"
	"strings"
)

// alive reports whether pid is a live process. A zombie counts as dead: it
// has exited and only waits for a parent (possibly an init that never reaps)
// to collect its status.
func alive(pid int) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 >= len(s) {
		return true
	}
	return s[i+2] != 'Z' && s[i+2] != 'X'
}
