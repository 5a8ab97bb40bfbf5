//! Just enough DER (X.690) to look inside key files: which algorithm and curve
//! a PKCS#8 key is for, how long an RSA modulus is, and to wrap a SEC1 EC key
//! into the PKCS#8 form that ring reads. ring checks the keys themselves; this
//! only finds the words for an error message and the shape ring wants.

pub const SEQUENCE: u8 = 0x30;
pub const INTEGER: u8 = 0x02;
pub const BIT_STRING: u8 = 0x03;
pub const OCTET_STRING: u8 = 0x04;
pub const OID: u8 = 0x06;
/// `[0]`, constructed: SEC1's curve parameters.
pub const CONTEXT_0: u8 = 0xa0;

/// Object identifiers, as their DER contents.
pub mod oid {
    pub const RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    pub const RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
    pub const EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    pub const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    pub const P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    pub const P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
    pub const P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
    pub const SECP256K1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x0a];
    pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    pub const ED448: &[u8] = &[0x2b, 0x65, 0x71];
    pub const X25519: &[u8] = &[0x2b, 0x65, 0x6e];
    pub const X448: &[u8] = &[0x2b, 0x65, 0x6f];
}

/// A cursor over a run of DER elements.
pub struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader(bytes)
    }

    /// The next element's tag and contents; `None` at the end or on bad DER.
    pub fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&tag, rest) = self.0.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, &rest[n..])
        };
        if rest.len() < len {
            return None;
        }
        let (contents, rest) = rest.split_at(len);
        self.0 = rest;
        Some((tag, contents))
    }

    /// The next element's contents if it has this tag.
    pub fn take(&mut self, tag: u8) -> Option<&'a [u8]> {
        self.next().filter(|(t, _)| *t == tag).map(|(_, c)| c)
    }
}

/// The contents of `bytes` when it is one element with this tag.
pub fn single(bytes: &[u8], tag: u8) -> Option<&[u8]> {
    let mut r = Reader::new(bytes);
    let contents = r.take(tag)?;
    r.0.is_empty().then_some(contents)
}

/// One element: tag, length, contents.
pub fn element(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = contents.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(contents);
    out
}

/// A PKCS#8 key's algorithm OID and its parameters' OID (the curve), if any.
pub fn pkcs8_algorithm(der: &[u8]) -> Option<(&[u8], Option<&[u8]>)> {
    let mut info = Reader::new(single(der, SEQUENCE)?);
    info.take(INTEGER)?;
    let mut alg = Reader::new(info.take(SEQUENCE)?);
    let oid = alg.take(OID)?;
    Some((oid, alg.take(OID)))
}

/// The private key inside a PKCS#8 key (for RSA: the PKCS#1 structure).
pub fn pkcs8_private_key(der: &[u8]) -> Option<&[u8]> {
    let mut info = Reader::new(single(der, SEQUENCE)?);
    info.take(INTEGER)?;
    info.take(SEQUENCE)?;
    info.take(OCTET_STRING)
}

/// The size in bits of a PKCS#1 RSA key's modulus.
pub fn rsa_modulus_bits(pkcs1: &[u8]) -> Option<usize> {
    let mut key = Reader::new(single(pkcs1, SEQUENCE)?);
    key.take(INTEGER)?;
    let modulus = key.take(INTEGER)?;
    let modulus = &modulus[modulus.iter().take_while(|b| **b == 0).count()..];
    let first = *modulus.first()?;
    Some(modulus.len() * 8 - first.leading_zeros() as usize)
}

/// The curve a SEC1 EC key names in its parameters, if it names one.
pub fn sec1_curve(der: &[u8]) -> Option<&[u8]> {
    let mut key = Reader::new(single(der, SEQUENCE)?);
    key.take(INTEGER)?;
    key.take(OCTET_STRING)?;
    let (tag, params) = key.next()?;
    (tag == CONTEXT_0).then(|| single(params, OID)).flatten()
}

/// A SEC1 EC key wrapped as PKCS#8 v1 for the curve `curve`.
pub fn sec1_to_pkcs8(sec1: &[u8], curve: &[u8]) -> Vec<u8> {
    let algorithm = [element(OID, oid::EC), element(OID, curve)].concat();
    let info = [
        element(INTEGER, &[0]),
        element(SEQUENCE, &algorithm),
        element(OCTET_STRING, sec1),
    ]
    .concat();
    element(SEQUENCE, &info)
}

/// The key bits of a SubjectPublicKeyInfo (the BIT STRING's contents without
/// its unused-bits byte): what ring's verifiers take.
pub fn spki_key(der: &[u8]) -> Option<&[u8]> {
    let mut spki = Reader::new(single(der, SEQUENCE)?);
    spki.take(SEQUENCE)?;
    let bits = spki.take(BIT_STRING)?;
    bits.split_first().filter(|(u, _)| **u == 0).map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_round_trip_with_short_and_long_lengths() {
        for len in [0, 5, 127, 128, 300, 70000] {
            let contents = vec![7u8; len];
            let der = element(OCTET_STRING, &contents);
            assert_eq!(single(&der, OCTET_STRING), Some(&contents[..]), "{len}");
        }
        assert_eq!(element(INTEGER, &[1; 200])[..3], [INTEGER, 0x81, 200]);
    }

    #[test]
    fn truncated_or_trailing_bytes_are_refused() {
        assert_eq!(single(&[OCTET_STRING, 3, 1, 2], OCTET_STRING), None);
        assert_eq!(single(&[OCTET_STRING, 1, 1, 0], OCTET_STRING), None);
        assert_eq!(single(&[OCTET_STRING, 0x80], OCTET_STRING), None);
        assert_eq!(single(&[], OCTET_STRING), None);
    }

    #[test]
    fn a_modulus_length_ignores_the_sign_byte() {
        let key = element(
            SEQUENCE,
            &[element(INTEGER, &[0]), element(INTEGER, &[0, 0x80, 0, 0])].concat(),
        );
        assert_eq!(rsa_modulus_bits(&key), Some(24));
    }
}
