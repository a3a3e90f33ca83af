//! The [`World`] type: loading a world directory (plain, gzip or zstd JSONL) and writing one.

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::record::{WorldBacklink, WorldDomain};
use crate::timestamp::parse_timestamp;

/// File stem of the backlink rows.
pub const BACKLINKS_FILE: &str = "backlinks.jsonl";
/// File stem of the optional per-host attributes.
pub const DOMAINS_FILE: &str = "domains.jsonl";

/// zstd level used by [`World::write`]: about 20 times smaller than plain JSONL and fast enough
/// for millions of rows (level 15 took ten minutes for one million rows).
const ZSTD_LEVEL: i32 = 3;

/// A backlink world: every backlink row and the optional per-host attribute rows.
///
/// See the crate docs for the on-disk format.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct World {
    /// Rows of `backlinks.jsonl`, in file order.
    pub backlinks: Vec<WorldBacklink>,
    /// Rows of `domains.jsonl`, in file order (empty when the file is absent).
    pub domains: Vec<WorldDomain>,
}

/// How a world file is compressed on disk.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    /// Plain `*.jsonl`.
    None,
    /// `*.jsonl.gz`.
    Gzip,
    /// `*.jsonl.zst`.
    #[default]
    Zstd,
}

impl Compression {
    /// Every compression, in the order the loader tries them.
    pub const ALL: [Compression; 3] = [Compression::None, Compression::Gzip, Compression::Zstd];

    /// File-name extension after `.jsonl` (`""`, `".gz"`, `".zst"`).
    pub fn extension(self) -> &'static str {
        match self {
            Compression::None => "",
            Compression::Gzip => ".gz",
            Compression::Zstd => ".zst",
        }
    }

    /// The file name of `stem` (`backlinks.jsonl`) in this compression.
    pub fn file_name(self, stem: &str) -> String {
        format!("{stem}{}", self.extension())
    }
}

impl fmt::Display for Compression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Compression::None => "none",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        })
    }
}

impl FromStr for Compression {
    type Err = Error;

    fn from_str(text: &str) -> Result<Compression, Error> {
        match text {
            "none" | "plain" => Ok(Compression::None),
            "gzip" | "gz" => Ok(Compression::Gzip),
            "zstd" | "zst" => Ok(Compression::Zstd),
            other => Err(Error::UnknownCompression(other.to_owned())),
        }
    }
}

impl World {
    /// Loads the world in `dir`: exactly one of `backlinks.jsonl`, `backlinks.jsonl.gz`,
    /// `backlinks.jsonl.zst`, and at most one `domains.jsonl[.gz|.zst]`.
    ///
    /// A malformed line fails the whole load with an [`Error::Line`] naming the file and line.
    pub fn load(dir: &Path) -> Result<World, Error> {
        let Some((backlinks_path, backlinks_compression)) = find_file(dir, BACKLINKS_FILE)? else {
            let tried: Vec<String> = Compression::ALL
                .iter()
                .map(|compression| format!("`{}`", compression.file_name(BACKLINKS_FILE)))
                .collect();
            return Err(Error::MissingBacklinks { dir: dir.to_owned(), tried: tried.join(", ") });
        };
        let backlinks =
            read_backlinks(open(&backlinks_path, backlinks_compression)?, &backlinks_path)?;
        let domains = match find_file(dir, DOMAINS_FILE)? {
            Some((path, compression)) => read_domains(open(&path, compression)?, &path)?,
            None => Vec::new(),
        };
        Ok(World { backlinks, domains })
    }

    /// Writes the world into `dir` (created if needed) as `backlinks.jsonl` and, when there are
    /// domain rows, `domains.jsonl`, in `compression`. Copies of those files in another
    /// compression are removed so the directory loads unambiguously. Output is byte-identical for
    /// identical worlds.
    pub fn write(&self, dir: &Path, compression: Compression) -> Result<(), Error> {
        std::fs::create_dir_all(dir)
            .map_err(|source| Error::Write { path: dir.to_owned(), source })?;
        remove_variants(dir, BACKLINKS_FILE)?;
        remove_variants(dir, DOMAINS_FILE)?;
        write_rows(&dir.join(compression.file_name(BACKLINKS_FILE)), compression, &self.backlinks)?;
        if !self.domains.is_empty() {
            write_rows(&dir.join(compression.file_name(DOMAINS_FILE)), compression, &self.domains)?;
        }
        Ok(())
    }

    /// Parses backlink rows from JSONL bytes compressed as `compression` (for embedded worlds).
    /// `label` names the source in errors.
    pub fn parse_backlinks(
        bytes: &[u8],
        compression: Compression,
        label: &Path,
    ) -> Result<Vec<WorldBacklink>, Error> {
        read_backlinks(decoder(bytes, compression, label)?, label)
    }

    /// Parses domain rows from JSONL bytes compressed as `compression` (for embedded worlds).
    pub fn parse_domains(
        bytes: &[u8],
        compression: Compression,
        label: &Path,
    ) -> Result<Vec<WorldDomain>, Error> {
        read_domains(decoder(bytes, compression, label)?, label)
    }

    /// Attributes of every host of the world (each `domain_from` and `domain_to`, and each
    /// `domains.jsonl` line), keyed by host.
    ///
    /// A field given by the host's `domains.jsonl` line wins; a field it leaves out (or a host
    /// without a line) is derived from the backlink rows whose `domain_from` is that host: rank =
    /// the highest `domain_from_rank`, spam score = the mean `backlink_spam_score` (rounded), ip =
    /// the most common `domain_from_ip`, country = the most common `domain_from_country`, platform
    /// types = the most common `domain_from_platform_type` (ties go to the smallest value). A host
    /// that never links and has no line gets `None` for all of them.
    pub fn domain_table(&self) -> BTreeMap<String, WorldDomain> {
        let mut derived: BTreeMap<&str, Derived<'_>> = BTreeMap::new();
        for backlink in &self.backlinks {
            let entry = derived.entry(&backlink.domain_from).or_default();
            entry.rank = entry.rank.max(backlink.domain_from_rank);
            entry.spam_sum += u64::from(backlink.backlink_spam_score);
            entry.rows += 1;
            if let Some(ip) = &backlink.domain_from_ip {
                *entry.ips.entry(ip).or_default() += 1;
            }
            if let Some(country) = &backlink.domain_from_country {
                *entry.countries.entry(country).or_default() += 1;
            }
            if let Some(platforms) = &backlink.domain_from_platform_type {
                *entry.platforms.entry(platforms).or_default() += 1;
            }
            derived.entry(&backlink.domain_to).or_default();
        }
        let given: BTreeMap<&str, &WorldDomain> =
            self.domains.iter().map(|domain| (domain.domain.as_str(), domain)).collect();
        let mut table = BTreeMap::new();
        for host in given.keys().copied().chain(derived.keys().copied()) {
            if table.contains_key(host) {
                continue;
            }
            let mut row = given.get(host).map_or_else(
                || WorldDomain { domain: host.to_owned(), ..WorldDomain::default() },
                |row| (*row).clone(),
            );
            if let Some(derived) = derived.get(host)
                && derived.rows > 0
            {
                row.rank = row.rank.or(Some(derived.rank));
                row.spam_score = row.spam_score.or_else(|| {
                    Some(((derived.spam_sum as f64) / (derived.rows as f64)).round() as u32)
                });
                row.ip = row.ip.or_else(|| most_common(&derived.ips).map(|ip| (*ip).to_owned()));
                row.country = row.country.or_else(|| {
                    most_common(&derived.countries).map(|country| (*country).to_owned())
                });
                row.platform_type = row.platform_type.or_else(|| {
                    most_common(&derived.platforms).map(|platforms| platforms.to_vec())
                });
            }
            table.insert(host.to_owned(), row);
        }
        table
    }
}

/// Per-host aggregates of the backlink rows for [`World::domain_table`].
#[derive(Default)]
struct Derived<'a> {
    rows: u64,
    rank: u32,
    spam_sum: u64,
    ips: BTreeMap<&'a str, u64>,
    countries: BTreeMap<&'a str, u64>,
    platforms: BTreeMap<&'a [String], u64>,
}

/// The key with the highest count; the smallest key among equals.
fn most_common<K: Ord>(counts: &BTreeMap<K, u64>) -> Option<&K> {
    let mut best: Option<(&K, u64)> = None;
    for (key, &count) in counts {
        if best.is_none_or(|(_, best_count)| count > best_count) {
            best = Some((key, count));
        }
    }
    best.map(|(key, _)| key)
}

/// The one existing variant of `stem` in `dir`, if any.
fn find_file(dir: &Path, stem: &'static str) -> Result<Option<(PathBuf, Compression)>, Error> {
    if !dir.is_dir() {
        return Err(Error::Read {
            path: dir.to_owned(),
            source: io::Error::new(io::ErrorKind::NotFound, "not a directory"),
        });
    }
    let found: Vec<(PathBuf, Compression)> = Compression::ALL
        .iter()
        .map(|&compression| (dir.join(compression.file_name(stem)), compression))
        .filter(|(path, _)| path.is_file())
        .collect();
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.into_iter().next()),
        _ => {
            let names: Vec<String> = found
                .iter()
                .map(|(_, compression)| format!("`{}`", compression.file_name(stem)))
                .collect();
            Err(Error::Ambiguous { dir: dir.to_owned(), stem, found: names.join(", ") })
        }
    }
}

fn remove_variants(dir: &Path, stem: &str) -> Result<(), Error> {
    for compression in Compression::ALL {
        let path = dir.join(compression.file_name(stem));
        if path.is_file() {
            std::fs::remove_file(&path).map_err(|source| Error::Write { path, source })?;
        }
    }
    Ok(())
}

fn open(path: &Path, compression: Compression) -> Result<Box<dyn BufRead>, Error> {
    let file = File::open(path).map_err(|source| Error::Read { path: path.to_owned(), source })?;
    decoder(file, compression, path)
}

fn decoder<'a, R: Read + 'a>(
    reader: R,
    compression: Compression,
    path: &Path,
) -> Result<Box<dyn BufRead + 'a>, Error> {
    const BUFFER: usize = 1 << 16;
    Ok(match compression {
        Compression::None => Box::new(BufReader::with_capacity(BUFFER, reader)),
        Compression::Gzip => Box::new(BufReader::with_capacity(
            BUFFER,
            flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUFFER, reader)),
        )),
        Compression::Zstd => Box::new(BufReader::with_capacity(
            BUFFER,
            zstd::stream::read::Decoder::new(reader)
                .map_err(|source| Error::Read { path: path.to_owned(), source })?,
        )),
    })
}

/// Whole lines handed to a parser thread at once.
struct Chunk {
    idx: usize,
    first_line: usize,
    data: Vec<u8>,
}

/// Bytes of whole lines per [`Chunk`].
const CHUNK_BYTES: usize = 1 << 20;

/// Parses every non-blank line with `parse` (1-based line number, text without the line ending),
/// on all cores: this thread reads and decompresses, workers decode chunks of lines, and the
/// rows come back in file order. The error reported is the one of the earliest bad line.
fn parse_rows<T: Send>(
    reader: impl BufRead,
    path: &Path,
    parse: impl Fn(usize, &str) -> Result<T, Error> + Sync,
) -> Result<Vec<T>, Error> {
    let workers = std::thread::available_parallelism().map_or(1, NonZeroUsize::get).clamp(1, 8);
    let failed = AtomicBool::new(false);
    let (chunk_sender, chunk_receiver) = mpsc::sync_channel::<Chunk>(workers * 2);
    let chunk_receiver = Mutex::new(chunk_receiver);
    let (result_sender, result_receiver) = mpsc::channel();
    let (results, read_result) = std::thread::scope(|scope| {
        for _ in 0..workers {
            let result_sender = result_sender.clone();
            let (chunk_receiver, parse, failed) = (&chunk_receiver, &parse, &failed);
            scope.spawn(move || {
                loop {
                    let next = chunk_receiver
                        .lock()
                        .map_err(|_| ())
                        .and_then(|receiver| receiver.recv().map_err(|_| ()));
                    let Ok(chunk) = next else { break };
                    let result = parse_chunk(&chunk, path, parse);
                    if result.is_err() {
                        failed.store(true, Ordering::Relaxed);
                    }
                    if result_sender.send((chunk.idx, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(result_sender);
        let read_result = read_chunks(reader, path, |chunk| {
            !failed.load(Ordering::Relaxed) && chunk_sender.send(chunk).is_ok()
        });
        drop(chunk_sender);
        let results: BTreeMap<usize, Result<Vec<T>, Error>> = result_receiver.iter().collect();
        (results, read_result)
    });
    let total = results.values().map(|result| result.as_ref().map_or(0, Vec::len)).sum();
    let mut rows = Vec::with_capacity(total);
    for (_, result) in results {
        rows.append(&mut result?);
    }
    read_result?;
    Ok(rows)
}

/// Splits the stream into chunks of whole lines and hands each to `send` (which returns false to
/// stop early).
fn read_chunks(
    mut reader: impl BufRead,
    path: &Path,
    mut send: impl FnMut(Chunk) -> bool,
) -> Result<(), Error> {
    let mut chunk = Chunk { idx: 0, first_line: 1, data: Vec::with_capacity(CHUNK_BYTES + 4096) };
    let mut next_line = 1;
    loop {
        let read = reader
            .read_until(b'\n', &mut chunk.data)
            .map_err(|source| Error::Read { path: path.to_owned(), source })?;
        if read == 0 {
            break;
        }
        next_line += 1;
        if chunk.data.len() >= CHUNK_BYTES {
            let next = Chunk {
                idx: chunk.idx + 1,
                first_line: next_line,
                data: Vec::with_capacity(CHUNK_BYTES + 4096),
            };
            if !send(std::mem::replace(&mut chunk, next)) {
                return Ok(());
            }
        }
    }
    if !chunk.data.is_empty() {
        send(chunk);
    }
    Ok(())
}

fn parse_chunk<T>(
    chunk: &Chunk,
    path: &Path,
    parse: &impl Fn(usize, &str) -> Result<T, Error>,
) -> Result<Vec<T>, Error> {
    let mut rows = Vec::with_capacity(chunk.data.len() / 512);
    for (offset, bytes) in chunk.data.split(|&byte| byte == b'\n').enumerate() {
        let line = chunk.first_line + offset;
        let text = std::str::from_utf8(bytes).map_err(|error| Error::Line {
            path: path.to_owned(),
            line,
            problem: format!("invalid UTF-8: {error}"),
        })?;
        let text = text.trim();
        if !text.is_empty() {
            rows.push(parse(line, text)?);
        }
    }
    Ok(rows)
}

fn parse_line<T: DeserializeOwned>(path: &Path, line: usize, text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|error| Error::Line {
        path: path.to_owned(),
        line,
        problem: format!("invalid row: {error}"),
    })
}

fn line_error(path: &Path, line: usize, problem: String) -> Error {
    Error::Line { path: path.to_owned(), line, problem }
}

fn read_backlinks(reader: impl BufRead, path: &Path) -> Result<Vec<WorldBacklink>, Error> {
    parse_rows(reader, path, |line, text| {
        let row: WorldBacklink = parse_line(path, line, text)?;
        for (name, value) in [
            ("domain_from", &row.domain_from),
            ("url_from", &row.url_from),
            ("domain_to", &row.domain_to),
            ("url_to", &row.url_to),
        ] {
            if value.is_empty() {
                return Err(line_error(
                    path,
                    line,
                    format!("missing or empty required field `{name}`"),
                ));
            }
        }
        for (name, value) in [
            ("first_seen", &row.first_seen),
            ("prev_seen", &row.prev_seen),
            ("last_seen", &row.last_seen),
        ] {
            if let Some(value) = value
                && let Err(error) = parse_timestamp(value)
            {
                return Err(line_error(
                    path,
                    line,
                    format!(
                        "field `{name}`: `{value}` is not a timestamp like `2024-03-26 02:46:50 +00:00` ({error})"
                    ),
                ));
            }
        }
        Ok(row)
    })
}

fn read_domains(reader: impl BufRead, path: &Path) -> Result<Vec<WorldDomain>, Error> {
    parse_rows(reader, path, |line, text| {
        let row: WorldDomain = parse_line(path, line, text)?;
        if row.domain.is_empty() {
            return Err(line_error(
                path,
                line,
                "missing or empty required field `domain`".to_owned(),
            ));
        }
        Ok(row)
    })
}

fn write_rows<T: Serialize>(
    path: &Path,
    compression: Compression,
    rows: &[T],
) -> Result<(), Error> {
    let write_error = |source: io::Error| Error::Write { path: path.to_owned(), source };
    let file = BufWriter::new(File::create(path).map_err(write_error)?);
    let file = match compression {
        Compression::None => write_lines(file, path, rows)?,
        Compression::Gzip => {
            let encoder = flate2::write::GzEncoder::new(file, flate2::Compression::best());
            write_lines(encoder, path, rows)?.finish().map_err(write_error)?
        }
        Compression::Zstd => {
            let encoder =
                zstd::stream::write::Encoder::new(file, ZSTD_LEVEL).map_err(write_error)?;
            write_lines(encoder, path, rows)?.finish().map_err(write_error)?
        }
    };
    file.into_inner()
        .map_err(|error| write_error(error.into_error()))?
        .sync_all()
        .map_err(write_error)
}

fn write_lines<W: Write, T: Serialize>(mut sink: W, path: &Path, rows: &[T]) -> Result<W, Error> {
    let mut line = Vec::with_capacity(1024);
    for row in rows {
        line.clear();
        serde_json::to_writer(&mut line, row)
            .map_err(|source| Error::Json { path: path.to_owned(), source })?;
        line.push(b'\n');
        sink.write_all(&line).map_err(|source| Error::Write { path: path.to_owned(), source })?;
    }
    sink.flush().map_err(|source| Error::Write { path: path.to_owned(), source })?;
    Ok(sink)
}

#[cfg(test)]
mod tests;
