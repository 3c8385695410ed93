//! Byte-level encodings of the format: LEB128 varints, length-prefixed strings, and LSB-first
//! bit packing.

use crate::{Error, Result};

/// Appends `v` as an unsigned LEB128 varint (7 bits a byte, low bits first).
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Appends a varint length then the bytes.
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_varint(out, b.len() as u64);
    out.extend_from_slice(b);
}

/// A cursor over bytes, failing (never panicking) on truncated or malformed input.
#[derive(Clone)]
pub(crate) struct Cursor<'a> {
    pub buf: &'a [u8],
    pub pos: usize,
}

impl<'a> Cursor<'a> {
    pub fn new(buf: &'a [u8]) -> Cursor<'a> {
        Cursor { buf, pos: 0 }
    }

    #[cfg(test)]
    pub fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    pub fn u8(&mut self) -> Result<u8> {
        let b = *self.buf.get(self.pos).ok_or_else(truncated)?;
        self.pos += 1;
        Ok(b)
    }

    pub fn varint(&mut self) -> Result<u64> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.u8()?;
            if shift >= 64 {
                return Err(Error::Format("varint too long".into()));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b < 0x80 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    pub fn varint_usize(&mut self) -> Result<usize> {
        usize::try_from(self.varint()?).map_err(|_| Error::Format("value too large".into()))
    }

    pub fn varint_u32(&mut self) -> Result<u32> {
        u32::try_from(self.varint()?).map_err(|_| Error::Format("value too large".into()))
    }

    pub fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or_else(truncated)?;
        let s = self.buf.get(self.pos..end).ok_or_else(truncated)?;
        self.pos = end;
        Ok(s)
    }

    pub fn bytes(&mut self) -> Result<&'a [u8]> {
        let n = self.varint_usize()?;
        self.take(n)
    }

    pub fn string(&mut self) -> Result<String> {
        let b = self.bytes()?;
        String::from_utf8(b.to_vec()).map_err(|_| Error::Format("invalid UTF-8".into()))
    }
}

pub(crate) fn truncated() -> Error {
    Error::Format("truncated data".into())
}

/// Number of bits needed to write `v` (0 for 0).
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) fn bits_for(v: u64) -> u8 {
    (64 - v.leading_zeros()) as u8
}

/// Writes values of a fixed bit width, LSB first; [`BitWriter::finish`] pads to a byte.
#[cfg_attr(not(feature = "export"), allow(dead_code))]
pub(crate) struct BitWriter<'a> {
    out: &'a mut Vec<u8>,
    acc: u64,
    n: u32,
}

#[cfg_attr(not(feature = "export"), allow(dead_code))]
impl<'a> BitWriter<'a> {
    pub fn new(out: &'a mut Vec<u8>) -> BitWriter<'a> {
        BitWriter { out, acc: 0, n: 0 }
    }

    pub fn write(&mut self, v: u64, width: u8) {
        debug_assert!(width <= 56 && (width == 0 || v >> width == 0));
        if width == 0 {
            return;
        }
        self.acc |= v << self.n;
        self.n += u32::from(width);
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    pub fn finish(self) {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
    }
}

/// Reads what [`BitWriter`] wrote.
pub(crate) struct BitReader<'a> {
    buf: &'a [u8],
    /// Next bit to read, from the start of `buf`.
    bit: usize,
}

impl<'a> BitReader<'a> {
    pub fn new(buf: &'a [u8]) -> BitReader<'a> {
        BitReader { buf, bit: 0 }
    }

    /// Reads one value of `width` ≤ 56 bits.
    pub fn read(&mut self, width: u8) -> Result<u64> {
        if width == 0 {
            return Ok(0);
        }
        let width = usize::from(width);
        let end = self.bit + width;
        if end > self.buf.len() * 8 {
            return Err(truncated());
        }
        let first = self.bit / 8;
        let shift = self.bit % 8;
        let mut word = [0u8; 8];
        let last = (end - 1) / 8;
        let avail = (last + 1 - first).min(8);
        word[..avail].copy_from_slice(&self.buf[first..first + avail]);
        let mut v = u64::from_le_bytes(word) >> shift;
        // A value of up to 56 bits at a shift of up to 7 fits in 8 bytes.
        v &= (1u64 << width) - 1;
        self.bit = end;
        Ok(v)
    }

    /// Bytes consumed so far, counting a partly read byte.
    pub fn bytes_used(&self) -> usize {
        self.bit.div_ceil(8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varints_round_trip() {
        let mut out = Vec::new();
        let values = [0u64, 1, 127, 128, 300, 1 << 35, u64::MAX];
        for v in values {
            put_varint(&mut out, v);
        }
        let mut c = Cursor::new(&out);
        for v in values {
            assert_eq!(c.varint().unwrap(), v);
        }
        assert!(c.at_end());
        assert!(c.varint().is_err());
    }

    #[test]
    fn bits_round_trip() {
        let mut out = Vec::new();
        let mut w = BitWriter::new(&mut out);
        let values: Vec<(u64, u8)> = (0..500u64)
            .map(|i| {
                let width = (i % 57) as u8;
                let v = if width == 0 {
                    0
                } else {
                    (i * 2654435761) & ((1u64 << width) - 1)
                };
                (v, width)
            })
            .collect();
        for &(v, width) in &values {
            w.write(v, width);
        }
        w.finish();
        let mut r = BitReader::new(&out);
        for &(v, width) in &values {
            assert_eq!(r.read(width).unwrap(), v);
        }
        assert_eq!(r.bytes_used(), out.len());
        assert!(r.read(8).is_err());
    }

    #[test]
    fn widths() {
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(1), 1);
        assert_eq!(bits_for(255), 8);
        assert_eq!(bits_for(256), 9);
    }
}
