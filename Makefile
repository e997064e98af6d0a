# 一窗通 OneWindow. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
GO ?= go
TAGS := -tags migrated_fynedo,sqlite_fts5
BIN := bin/onewindow
DEB_PACKAGES := gcc pkg-config libgl1-mesa-dev xorg-dev patch
# What the tests use besides: a virtual display for the smoke test, pdftotext
# and pdftoppm to read the documents back, zbarimg to read their QR codes;
# for the input-method test fcitx5 pinyin and ibus libpinyin, a session bus,
# xdotool to type, xclip to read a field back, xprop to see that the input
# method's XIM server is up; LibreOffice Calc (no GUI) to open the catalogue
# template as a real spreadsheet program does; the PostgreSQL server, of
# which the central store's tests start a private cluster (internal/pgtest:
# initdb in a temporary folder as the postgres user, a free local port).
TEST_PACKAGES := xvfb x11-utils poppler-utils zbar-tools xdotool xclip dbus fcitx5 fcitx5-chinese-addons ibus ibus-libpinyin wine wine64 desktop-file-utils \
	libreoffice-calc-nogui postgresql
# The Windows build: Debian's mingw-w64 cross compiler.
WIN_PACKAGES := gcc-mingw-w64-x86-64
RELEASE_FLAGS := -trimpath -ldflags '-s -w'
# The arm64 build (Phytium, Kunpeng): Debian's aarch64 cross compiler and the
# X11 and GL development packages of the arm64 architecture (multiarch).
ARM64_PACKAGES := gcc-aarch64-linux-gnu libgl1-mesa-dev:arm64 libx11-dev:arm64 libxcursor-dev:arm64 \
	libxrandr-dev:arm64 libxinerama-dev:arm64 libxi-dev:arm64 libxxf86vm-dev:arm64

# run-central: a PostgreSQL central office to try (tools/run-central.sh).
.PHONY: run-central run build test bench fuzz package deps test-deps apt vet clean glfw windows package-windows deb deb-arm64

run: deps build
	./$(BIN)

build: deps
	$(GO) build $(TAGS) -o $(BIN) .

run-central: build
	@$(MAKE) --no-print-directory apt PACKAGES="postgresql"
	@tools/run-central.sh

# deps installs the Debian packages Fyne needs to build, with sudo when not
# root, and only those that are missing, then makes the patched copy of GLFW
# that go.mod's replace points to (third_party/glfw, docs/input-method.md).
deps:
	@$(MAKE) --no-print-directory apt PACKAGES="$(DEB_PACKAGES)"
	@$(MAKE) --no-print-directory glfw

glfw:
	@third_party/glfw/prepare.sh

test-deps:
	@$(MAKE) --no-print-directory apt PACKAGES="$(TEST_PACKAGES)"

apt:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "安装缺少的系统软件包：$$missing"; \
		sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

vet: deps
	test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet $(TAGS) ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 $(TAGS) ./...

# test: formatting, vet, the Windows package (run under wine by one of the
# tests), every test (fuzz seeds included; the desktop tests of the root
# package alone, after the others), the race detector on the stores, and a
# build of the real binary.
test: deps test-deps vet package-windows
	$(GO) test $(TAGS) $$($(GO) list ./... | grep -vx 'github.com/onewindow/onewindow')
	@# The desktop tests on their own: an input method typing at a scanner's
	@# speed on a virtual display must not share two cores with PostgreSQL,
	@# LibreOffice and bcrypt (TestInputMethod timed out when it did).
	ONEWINDOW_WINDOWS_ZIP=$(CURDIR)/bin/onewindow-windows-amd64.zip $(GO) test $(TAGS) .
	$(GO) test $(TAGS) -race ./data/... ./app
	$(GO) build $(TAGS) -o $(BIN) .

# bench: the speed goals (see docs/benchmarks.md). BENCH_CASES sets the size
# of the database for the list benchmark (default 1,000,000).
bench: deps
	$(GO) test $(TAGS) -run '^$$' -bench . -benchtime 2000x ./data/clock
	$(GO) test $(TAGS) -run '^$$' -bench 'Register' -benchtime 3000x ./data/sqlite
	$(GO) test $(TAGS) -run '^$$' -bench 'Demo|CasesPage|CaseSearch|Report|Import' -benchtime 1x -timeout 30m ./data/sqlite
	$(GO) test $(TAGS) -run '^$$' -bench 'Receipt' -benchtime 300x ./app/render
	$(GO) test $(TAGS) -run '^$$' -bench 'Batch500' -benchtime 1x ./app/render
	$(GO) test $(TAGS) -run '^$$' -bench 'CaretSpot' -benchtime 20000x ./app
	$(MAKE) build
	d=$$(mktemp -d) && time ./$(BIN) demo --quiet --cases $${BENCH_CASES:-1000000} --db $$d/demo.db; rm -rf $$d

# package: the Linux desktop package (a .tar.xz with the binary, icon and
# .desktop file), made by the fyne tool pinned by the tool directive in go.mod
# (v1.7.0: the newest that does not pull Fyne itself up to 2.8, whose GLFW 3.4
# also needs Wayland headers).
package: deps
	$(GO) tool fyne package --os linux --release --tags migrated_fynedo,sqlite_fts5
	mkdir -p bin && mv -f *.tar.xz bin/onewindow-linux-amd64.tar.xz

# windows: bin/onewindow.exe, cross-built with mingw-w64 by the fyne tool
# (icon, version resource, GUI subsystem). The tool is built for this machine
# first: `go tool fyne` with CC set to mingw would build the tool for Windows.
# The tool raises the build number in FyneApp.toml each time; make test runs
# this, so the file is put back as it was.
windows: deps
	@$(MAKE) --no-print-directory apt PACKAGES="$(WIN_PACKAGES)"
	$(GO) build -o bin/fyne fyne.io/tools/cmd/fyne
	cp FyneApp.toml bin/FyneApp.toml.kept
	CC=x86_64-w64-mingw32-gcc CGO_ENABLED=1 bin/fyne package --os windows --release \
		--tags migrated_fynedo,sqlite_fts5; status=$$?; cp bin/FyneApp.toml.kept FyneApp.toml; exit $$status
	mv -f "一窗通 OneWindow.exe" bin/onewindow.exe

# package-windows: bin/onewindow-windows-amd64.zip — the exe, 使用说明.txt and
# the licence texts; unzip anywhere and double-click.
package-windows: windows
	rm -rf bin/onewindow-windows-amd64 bin/onewindow-windows-amd64.zip
	mkdir -p bin/onewindow-windows-amd64
	cp bin/onewindow.exe packaging/windows/使用说明.txt bin/onewindow-windows-amd64/
	GOOS=windows CGO_ENABLED=1 tools/licences.sh bin/onewindow-windows-amd64/licences
	$(GO) run ./tools/zipdir bin/onewindow-windows-amd64.zip bin/onewindow-windows-amd64

# deb: bin/onewindow_VERSION-BUILD_amd64.deb for Debian, UOS and Kylin.
deb: deps
	$(GO) build $(TAGS) $(RELEASE_FLAGS) -o bin/linux-amd64/onewindow .
	tools/deb.sh amd64 bin/linux-amd64/onewindow

# deb-arm64: the same for arm64, cross-built; adds the arm64 architecture to
# dpkg first if it is not there (sudo when not root).
deb-arm64: deps
	@dpkg --print-foreign-architectures | grep -qx arm64 || { \
		sudo=""; [ "$$(id -u)" -ne 0 ] && sudo=sudo; \
		$$sudo dpkg --add-architecture arm64 && $$sudo apt-get update -qq; }
	@$(MAKE) --no-print-directory apt PACKAGES="$(ARM64_PACKAGES)"
	CGO_ENABLED=1 GOARCH=arm64 CC=aarch64-linux-gnu-gcc PKG_CONFIG_PATH=/usr/lib/aarch64-linux-gnu/pkgconfig \
		$(GO) build $(TAGS) $(RELEASE_FLAGS) -o bin/linux-arm64/onewindow .
	tools/deb.sh arm64 bin/linux-arm64/onewindow

FUZZTIME ?= 30s
fuzz: glfw
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzCreditCode -fuzztime $(FUZZTIME) ./data
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzIDNumber -fuzztime $(FUZZTIME) ./data
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseJSON -fuzztime $(FUZZTIME) ./data/calendar
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseText -fuzztime $(FUZZTIME) ./data/calendar
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzInitials -fuzztime $(FUZZTIME) ./data/pinyin
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseToken -fuzztime $(FUZZTIME) ./data
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseRegistration -fuzztime $(FUZZTIME) ./data/exchange
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzReadPublication -fuzztime $(FUZZTIME) ./data/exchange
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzReadReplies -fuzztime $(FUZZTIME) ./data/exchange
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParse -fuzztime $(FUZZTIME) ./data/catalogue
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzReadBook -fuzztime $(FUZZTIME) ./app/render
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzReadBundle -fuzztime $(FUZZTIME) ./data/sqlite
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzBreak -fuzztime $(FUZZTIME) ./app/render
	$(GO) test $(TAGS) -run '^$$' -fuzz FuzzParseRule -fuzztime $(FUZZTIME) ./data/policy

clean:
	rm -rf bin third_party/glfw/module
