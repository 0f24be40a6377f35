#!/bin/sh
# Installs what nutd needs to build, run and test on Debian 12 (run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends \
    meson ninja-build pkg-config gcc clang libc6-dev \
    libsystemd-dev libudev-dev libusb-1.0-0-dev libsnmp-dev libgnutls28-dev \
    libglib2.0-dev libglib2.0-bin dbus-daemon dbus systemd udev \
    polkitd python3-dbusmock umockdev libumockdev-dev gir1.2-umockdev-1.0 \
    socat nut-client nut-server python3-nut libnss3-tools snmp snmpd snmpsim usbutils \
    libclang-rt-14-dev git dpkg-dev debhelper >/dev/null
# node-nut (a NUT client library used by the tests) needs node and npm; use the machine's if it has them
command -v npm >/dev/null 2>&1 || $SUDO apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
