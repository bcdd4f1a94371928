//! Content-addressed storage of attachment bytes: a blob is named by the SHA-256 of its
//! content, so storing the same file twice stores it once, and what is read back is checked
//! against its name.
//!
//! Two implementations: a local directory (`gongkai-blobs`' `LocalBlobs`, the default of a
//! single machine) and the database (`blobs` table of both SQL backends), for deployments with
//! several server processes that share nothing but the database.

use crate::{Result, StoreError};
use sha2::{Digest, Sha256};
use std::future::Future;

/// A store of blobs by SHA-256.
pub trait Blobs: Send + Sync {
    /// Stores `bytes` and returns their SHA-256 (64 lower-case hexadecimal digits). Storing
    /// bytes already stored changes nothing and returns the same name.
    fn put(&self, bytes: &[u8]) -> impl Future<Output = Result<String>> + Send;

    /// The bytes stored under `sha256`, if any. Bytes that no longer match their name (a
    /// damaged disk, a hand-edited row) are [`StoreError::Backend`], never returned. A name that
    /// is not a SHA-256 is [`StoreError::Invalid`].
    fn get(&self, sha256: &str) -> impl Future<Output = Result<Option<Vec<u8>>>> + Send;

    /// Whether bytes are stored under `sha256` (not read, not checked).
    fn has(&self, sha256: &str) -> impl Future<Output = Result<bool>> + Send;

    /// Removes the bytes stored under `sha256` (the purge of an applicant's files, when
    /// nothing else names them); removing what is not there changes nothing.
    fn remove(&self, sha256: &str) -> impl Future<Output = Result<()>> + Send;
}

/// The SHA-256 of `bytes` in lower-case hexadecimal: a blob's name.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Whether `text` is a blob's name: 64 lower-case hexadecimal digits.
pub fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| HEX.contains(&b))
}

/// Refuses a name that is not a SHA-256 (it would otherwise reach a path or a query).
///
/// # Errors
/// [`StoreError::Invalid`].
pub fn check_name(sha256: &str) -> Result<()> {
    if is_sha256(sha256) {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "附件标识不是有效的 SHA-256：{sha256:?}"
        )))
    }
}

/// Checks bytes read under `sha256` against it.
///
/// # Errors
/// [`StoreError::Backend`] when the content no longer has that hash.
pub fn verify(sha256: &str, bytes: Vec<u8>) -> Result<Vec<u8>> {
    let found = sha256_hex(&bytes);
    if found == sha256 {
        Ok(bytes)
    } else {
        Err(StoreError::Backend(format!(
            "附件 {sha256} 已损坏：内容的 SHA-256 为 {found}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_digests() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256(&sha256_hex(b"abc")));
        assert!(!is_sha256(
            "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"
        ));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(verify(&sha256_hex(b"abc"), b"abd".to_vec()).is_err());
    }
}
