//! Tests of the format's encoders and decoders.
use super::*;

#[test]
fn postings_round_trip() {
    for (freqs, norms) in [(true, true), (false, false), (true, false)] {
        for n in [0usize, 1, 2, 127, 128, 129, 300] {
            let docs: Vec<u32> = (0..n as u32).map(|i| i * 7 + (i % 3)).collect();
            let p = Postings {
                term_freqs: if freqs {
                    docs.iter().map(|d| d % 5 + 1).collect()
                } else {
                    vec![1; n]
                },
                fieldnorm_ids: if norms {
                    docs.iter().map(|d| (d % 200) as u8 + 3).collect()
                } else {
                    vec![crate::bm25::CONSTANT_FIELDNORM_ID; n]
                },
                docs,
            };
            let enc = encode_postings(&p, freqs, norms);
            assert_eq!(decode_postings(&enc, n, freqs, norms).unwrap(), p);
        }
    }
}

#[test]
fn rows_round_trip() {
    let cases: Vec<(Vec<Vec<u64>>, Option<usize>)> = vec![
        (vec![], Some(3)),
        (vec![vec![0], vec![2], vec![1]], Some(3)),
        (vec![vec![0, 2], vec![], vec![1, 2]], Some(3)),
        (vec![vec![2, 0], vec![1]], Some(3)),
        (vec![vec![5]; 70], Some(70)),
        ((0..70).map(|i| vec![i]).collect(), Some(70)),
        (vec![vec![1_700_000_000], vec![1_700_000_500], vec![]], None),
        (vec![vec![7], vec![9]], None),
    ];
    for (rows, width) in cases {
        let mut out = Vec::new();
        encode_rows(&mut out, &rows, width);
        let (offsets, values) =
            decode_rows(&mut Cursor::new(&out), rows.len(), width.unwrap_or(0)).unwrap();
        let back: Vec<Vec<u64>> = offsets
            .windows(2)
            .map(|w| values[w[0] as usize..w[1] as usize].to_vec())
            .collect();
        assert_eq!(back, rows);
    }
}

#[test]
fn page_chunking() {
    assert_eq!(page_chunks(10, [], 100), vec![]);
    assert_eq!(
        page_chunks(10, [30, 0, 50, 40], 100),
        vec![(10, 90), (90, 130)]
    );
    // A big entry starts its own chunk, fills whole ones, its rest goes on.
    assert_eq!(
        page_chunks(0, [30, 250, 20, 90], 100),
        vec![(0, 30), (30, 130), (130, 230), (230, 300), (300, 390)]
    );
}

#[test]
fn common_prefixes_respect_utf8() {
    assert_eq!(common_prefix("abc".as_bytes(), "abd".as_bytes()), 2);
    // é = C3 A9, è = C3 A8: the shared C3 is not a boundary of "è".
    assert_eq!(common_prefix("é".as_bytes(), "è".as_bytes()), 0);
    let terms: Vec<String> = ["", "a", "abé", "abè", "b"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let mut out = Vec::new();
    put_terms(&mut out, &terms);
    assert_eq!(get_terms(&mut Cursor::new(&out)).unwrap(), terms);
}
