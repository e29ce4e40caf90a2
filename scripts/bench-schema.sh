#!/usr/bin/env bash
# Wall time and peak memory of `authgen schema` on the seed model, inputs 10x, 100x and 1000x its
# size (the seed plus renamed filler items that derive AuthType), and a 100k-variant role enum.
#
#   scripts/bench-schema.sh            # builds the release CLI, prints a Markdown table
#   RUNS=5 scripts/bench-schema.sh     # best of 5 runs per input (default 3)
#   BENCH_DIR=/tmp/b scripts/bench-schema.sh  # keep the generated inputs in /tmp/b
#
# Needs GNU time (`/usr/bin/time`, Debian package `time`) for the peak RSS.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
runs="${RUNS:-3}"
target="${CARGO_TARGET_DIR:-$root/target}"
bin="$target/release/authgen"
if [[ ! -x /usr/bin/time ]]; then
    echo "error: /usr/bin/time not found (apt-get install time)" >&2
    exit 1
fi
(cd "$root" && cargo build --quiet --release -p authgen-cli)

if [[ -n ${BENCH_DIR:-} ]]; then
    work="$BENCH_DIR" # keep the generated inputs there
    mkdir -p "$work"
else
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
fi
seed="$root/fixtures/seed/model.rs"

# One block of filler: a struct and an enum deriving AuthType, and an item authgen skips.
filler_block() {
    local k="$1"
    cat <<RS

/// Filler record $k, as an application's shared types would be.
#[derive(AuthType, Serialize, Deserialize, Clone, Debug)]
#[serde(rename_all = "camelCase")]
pub struct Record$k {
    /// The id.
    pub id: String,
    pub display_name: Option<String>,
    pub tags: Vec<String>,
    pub score: i64,
    pub ratio: f64,
    pub kind: Kind$k,
}

#[derive(AuthType, Serialize, Deserialize, Clone, Copy, Debug)]
pub enum Kind$k {
    Small,
    Medium,
    Large,
}

impl Record$k {
    pub fn is_large(&self) -> bool {
        matches!(self.kind, Kind$k::Large) && self.score > 10 && !self.tags.is_empty()
    }
}
RS
}

# The seed followed by filler until the file is `factor` times the seed's size.
scaled() {
    local factor="$1" out="$2" k=0 block
    local size want
    size=$(wc -c <"$seed")
    want=$((size * factor))
    cp "$seed" "$out"
    while ((size < want)); do
        block="$(filler_block "$k")"
        printf '%s\n' "$block"
        size=$((size + ${#block} + 1))
        k=$((k + 1))
    done >>"$out"
}

scaled 10 "$work/seed10x.rs"
scaled 100 "$work/seed100x.rs"
scaled 1000 "$work/seed1000x.rs"
{
    echo '#[derive(AuthRole)]'
    echo 'pub enum Role {'
    seq 0 99999 | sed 's/.*/    V&,/'
    echo '}'
} >"$work/enum100k.rs"

echo "| input | bytes | wall (s, best of $runs) | CPU user+sys (s, best) | peak RSS (MiB) |"
echo "|---|---:|---:|---:|---:|"
for name in seed seed10x seed100x seed1000x enum100k; do
    if [[ $name == seed ]]; then file="$seed"; else file="$work/$name.rs"; fi
    best_t="" best_c="" best_m=""
    for _ in $(seq 1 "$runs"); do
        if ! /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin" schema --input "$file" >/dev/null 2>"$work/err"; then
            echo "error: authgen schema failed on $name:" >&2
            head -5 "$work/err" >&2
            exit 1
        fi
        read -r t u s m <"$work/time"
        c="$(awk "BEGIN{print $u + $s}")"
        if [[ -z $best_t ]] || awk "BEGIN{exit !($t < $best_t)}"; then best_t="$t"; fi
        if [[ -z $best_c ]] || awk "BEGIN{exit !($c < $best_c)}"; then best_c="$c"; fi
        if [[ -z $best_m ]] || ((m < best_m)); then best_m="$m"; fi
    done
    printf '| %s | %d | %s | %s | %.1f |\n' "$name" "$(wc -c <"$file")" "$best_t" "$best_c" \
        "$(awk "BEGIN{print $best_m/1024}")"
done
