#!/usr/bin/env bash
# Builds Surety's container image as an OCI image layout in a tar file, without a container daemon
# or registry (none is reachable where Surety is built; Debian's archive is):
#   build-image.sh RELEASE.tar.gz OUTPUT.tar VERSION COMMIT
# Layer 1 is a Debian bookworm root file system of essential packages only (mmdebstrap, as root):
# bash and coreutils for bin/surety; glibc, libstdc++ and zlib for the Java runtime. Layer 2 holds a Java
# runtime linked from this JDK (jlink), the unpacked release under /opt/surety, the entrypoint and
# the user surety (uid 1000) who owns the volume /var/lib/surety. The OCI layout loads with
# `podman load`, `skopeo copy oci-archive:...` or Docker 25+.
set -euo pipefail

release="$(realpath "$1")" output="$(realpath -m "$2")" version="$3" commit="$4"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Fixed times and owners: the same inputs give the same layers.
epoch=0
tar_layer() { # DIR OUT.tar.gz: the directory's content as a gzipped layer, owned by root
  tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$1" -cf - . | gzip -n > "$2"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }

echo "== base: Debian bookworm, essential packages (mmdebstrap)" >&2
mmdebstrap --quiet --variant=essential --mode=root --include=libstdc++6 \
  --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-exclude=/usr/share/locale/*' bookworm "$work/base.tar"
# Device files are the runtime's to provide, not an image's: /dev stays, empty.
tar --delete --wildcards -f "$work/base.tar" './dev/?*'
gzip -n < "$work/base.tar" > "$work/layer1.tar.gz"
base_diff="$(sha "$work/base.tar")"

echo "== Surety: Java runtime (jlink), the release, the entrypoint, the user" >&2
stage="$work/stage"
mkdir -p "$stage/opt" "$stage/etc" "$stage/var/lib/surety"
jlink --add-modules java.se,jdk.unsupported,jdk.httpserver,jdk.management,jdk.jfr,jdk.crypto.ec,jdk.zipfs \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$stage/opt/java"
tar -xzf "$release" -C "$stage/opt"
mv "$stage/opt/surety-$version" "$stage/opt/surety"
install -m 0755 "$here/surety-container" "$stage/opt/surety/bin/surety-container"
tar -xf "$work/base.tar" -C "$work" ./etc/passwd ./etc/group
cp "$work/etc/passwd" "$work/etc/group" "$stage/etc/"
echo 'surety:x:1000:1000:Surety:/var/lib/surety:/usr/sbin/nologin' >> "$stage/etc/passwd"
echo 'surety:x:1000:' >> "$stage/etc/group"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$stage" -cf "$work/layer2.tar" \
  --exclude=./var/lib/surety opt etc
tar --sort=name --mtime="@$epoch" --owner=1000 --group=1000 --numeric-owner -C "$stage" -rf "$work/layer2.tar" \
  ./var/lib/surety
app_diff="$(sha "$work/layer2.tar")"
gzip -n < "$work/layer2.tar" > "$work/layer2.tar.gz"

echo "== OCI image layout" >&2
layout="$work/layout"
mkdir -p "$layout/blobs/sha256"
blob() { # FILE: stored under its digest; prints "digest size"
  local digest size
  digest="$(sha "$1")" size="$(stat -c %s "$1")"
  cp "$1" "$layout/blobs/sha256/$digest"
  echo "$digest $size"
}
read -r l1 l1size < <(blob "$work/layer1.tar.gz")
read -r l2 l2size < <(blob "$work/layer2.tar.gz")
cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux",
 "config":{"User":"1000:1000","WorkingDir":"/var/lib/surety",
  "Env":["PATH=/opt/java/bin:/opt/surety/bin:/usr/local/bin:/usr/bin:/bin","JAVA_HOME=/opt/java","LANG=C.UTF-8"],
  "Entrypoint":["/opt/surety/bin/surety-container"],
  "ExposedPorts":{"9092/tcp":{},"9464/tcp":{}},
  "Volumes":{"/var/lib/surety":{}},
  "StopSignal":"SIGTERM",
  "Healthcheck":{"Test":["CMD","/opt/surety/bin/surety-container","ready"],"Interval":10000000000,"Timeout":5000000000,"StartPeriod":30000000000,"Retries":3},
  "Labels":{"org.opencontainers.image.title":"Surety","org.opencontainers.image.version":"$version","org.opencontainers.image.revision":"$commit","org.opencontainers.image.licenses":"Apache-2.0"}},
 "rootfs":{"type":"layers","diff_ids":["sha256:$base_diff","sha256:$app_diff"]},
 "history":[{"created_by":"mmdebstrap --variant=essential bookworm"},{"created_by":"jlink runtime, Surety $version ($commit), entrypoint, user surety"}]}
JSON
read -r cfg cfgsize < <(blob "$work/config.json")
cat > "$work/manifest.json" <<JSON
{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
 "config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:$cfg","size":$cfgsize},
 "layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$l1","size":$l1size},
  {"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:$l2","size":$l2size}]}
JSON
read -r man mansize < <(blob "$work/manifest.json")
cat > "$layout/index.json" <<JSON
{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:$man","size":$mansize,
 "annotations":{"org.opencontainers.image.ref.name":"$version"}}]}
JSON
echo '{"imageLayoutVersion":"1.0.0"}' > "$layout/oci-layout"
mkdir -p "$(dirname "$output")"
tar --sort=name --mtime="@$epoch" --owner=0 --group=0 --numeric-owner -C "$layout" -cf "$output" oci-layout index.json blobs
echo "image: $output ($(du -h "$output" | cut -f1))" >&2
