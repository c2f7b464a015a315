#!/bin/sh
# Builds the base of Tippen's container image as a docker-save tarball, OUT/base.tar: a Java runtime
# cut by jlink from the building JDK, the C libraries that runtime links against (from the build
# machine's Debian packages: libc6, zlib1g, libstdc++6, libgcc-s1), a user, /data and /tmp, and the
# settings Jib cannot write itself: the health check (Jib carries a base image's over). Jib then puts
# Tippen's own layers on top (pom.xml, profile "release"). No Docker daemon and no registry.
#
# usage: base-image.sh OUT VERSION    (JAVA_HOME: the JDK to cut the runtime from)
set -eu
out=$1
version=$2
jdk=${JAVA_HOME:?JAVA_HOME must name a JDK}
root="$out/rootfs"
rm -rf "$out"
mkdir -p "$root"

# The modules Tippen and its libraries use (JDBC, JMX metrics, TLS with EC keys for webhooks and
# PostgreSQL, socket options Netty sets through jdk.net, SnakeYAML's use of java.beans in the
# User-Agent parser, JFR for diagnosis).
modules=java.base,java.desktop,java.logging,java.management,java.naming,java.net.http,java.security.jgss
modules=$modules,java.security.sasl,java.sql,java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management
modules=$modules,jdk.charsets,jdk.naming.dns,jdk.net,jdk.unsupported,jdk.zipfs
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files \
  --compress=2 --output "$root/opt/java"
# java.desktop is there for java.beans alone: the natives that draw, print and play sound (and pull in
# X11, fonts, image codecs and ALSA) are left out, since a server never loads them.
for native in libawt_xawt libjawt libsplashscreen libjsound libfontmanager libjavajpeg liblcms; do
  rm -f "$root/opt/java/lib/$native.so"
done
# Debian's JDK links its CA list to /etc/ssl; the image carries the list itself.
if [ -L "$root/opt/java/lib/security/cacerts" ] || [ ! -s "$root/opt/java/lib/security/cacerts" ]; then
  cp --remove-destination -L "$jdk/lib/security/cacerts" "$root/opt/java/lib/security/cacerts"
fi

# Every shared library the runtime's programs and libraries load, with the loader itself, at the
# paths they were linked with. The glibc parts the JVM and the native libraries that Netty and
# SQLite unpack at run time open by name (libdl, libpthread, librt, libm) come along too.
libs=$(find "$root/opt/java" -type f \( -name '*.so' -o -perm -u+x \) -exec ldd {} \; 2>/dev/null \
  | awk '/=> \// { print $3 } /^\t\/.*ld-linux/ { print $1 }' | grep -v "^$root/" | sort -u)
libc_dir=$(dirname "$(echo "$libs" | grep '/libc\.so\.6$' | head -n 1)")
for extra in libdl.so.2 libpthread.so.0 librt.so.1 libm.so.6; do
  [ -e "$libc_dir/$extra" ] && libs="$libs
$libc_dir/$extra"
done
echo "$libs" | sort -u | while read -r lib; do
  [ -n "$lib" ] || continue
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done
# /lib64 and /lib are links to /usr/lib* on Debian; the loader is asked for by its /lib64 path.
for link in lib lib64; do
  if [ -L "/$link" ] && [ ! -e "$root/$link" ]; then ln -s "$(readlink "/$link")" "$root/$link"; fi
done

mkdir -p "$root/etc" "$root/tmp" "$root/data"
printf 'root:x:0:0:root:/root:/sbin/nologin\ntippen:x:10001:0:Tippen:/data:/sbin/nologin\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
chmod 1777 "$root/tmp"
# The server runs as 10001 in group 0, so /data (and a fresh volume made from it) is its to write.
chmod 0770 "$root/data"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$out/layer.tar" .
diff_id=$(sha256sum "$out/layer.tar" | cut -d' ' -f1)
cat > "$out/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"User":"10001:0","WorkingDir":"/data","ExposedPorts":{"8787/tcp":{}},"Volumes":{"/data":{}},
  "Env":["PATH=/opt/java/bin","JAVA_HOME=/opt/java"],
  "Healthcheck":{"Test":["CMD","/opt/java/bin/java","-Xshare:auto","-XX:TieredStopAtLevel=1","-XX:-UsePerfData","-Xmx32m","-cp","@/app/jib-classpath-file","dev.tippen.app.Main","health"],
   "Interval":30000000000,"Timeout":10000000000,"StartPeriod":30000000000,"Retries":3},
  "Labels":{"org.opencontainers.image.title":"tippen-base","org.opencontainers.image.version":"$version"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff_id"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"dist/image/base-image.sh"}]}
JSON
printf '[{"Config":"config.json","RepoTags":["tippen-base:%s"],"Layers":["layer.tar"]}]\n' "$version" > "$out/manifest.json"
tar --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$out" -cf "$out/base.tar" manifest.json config.json layer.tar
echo "base image: $out/base.tar ($(du -k "$out/layer.tar" | cut -f1) KB of runtime and libraries)"
