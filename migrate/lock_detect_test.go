package migrate

import "testing"

func TestLockDetectsPostgreSQL(t *testing.T) {
	crdb, err := IsCockroachDB(testCtx(t), connect(t))
	if err != nil || crdb {
		t.Fatalf("IsCockroachDB on PostgreSQL: %v, %v; want false, nil", crdb, err)
	}
}

func TestLockDetectCockroachVersion(t *testing.T) {
	for v, want := range map[string]bool{
		"CockroachDB CCL v23.1.11 (x86_64-pc-linux-gnu, built 2023/09/27 01:53:43, go1.19.10)":                              true,
		"CockroachDB OSS v20.2.19 (x86_64-unknown-linux-gnu, built 2021/06/24 17:51:36, go1.13.14)":                         true,
		"PostgreSQL 15.8 (Debian 15.8-0+deb12u1) on x86_64-pc-linux-gnu, compiled by gcc (Debian 12.2.0-14) 12.2.0, 64-bit": false,
		"PostgreSQL 16.2 on aarch64-apple-darwin23.2.0, compiled by Apple clang version 15.0.0, 64-bit":                     false,
		"": false,
	} {
		if got := isCockroachVersion(v); got != want {
			t.Errorf("isCockroachVersion(%q) = %v, want %v", v, got, want)
		}
	}
}
