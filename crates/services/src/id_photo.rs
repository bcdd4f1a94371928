//! The photo of an applicant's identity document (第二十九条第二款第（一）项: 申请人的身份证明),
//! where the agency's guide asks for one with online applications: encrypted before it is
//! stored (ChaCha20-Poly1305 under the installation's key, `id_photo.key`), so that neither a
//! copy of the database nor of the blob directory shows anyone's identity card; decrypted only
//! for the officers and approvers who handle the agency's requests (docs/web.md §4); purged with
//! the rest of the applicant's personal data.

use crate::{Capability, Ctx, Result, ServiceError};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use gongkai_cases::RequestId;
use gongkai_catalogue::Attachment;
use gongkai_store::{Blobs, Store, StoreError};

/// The key of the photos (`id_photo.key`): shown nowhere, `Debug` included.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PhotoKey([u8; 32]);

impl PhotoKey {
    pub fn new(bytes: [u8; 32]) -> PhotoKey {
        PhotoKey(bytes)
    }
}

impl std::fmt::Debug for PhotoKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PhotoKey(***)")
    }
}

/// Bytes of the random nonce written before the ciphertext.
const NONCE: usize = 12;

/// The photo's kinds accepted: what a phone's camera or a scanner gives.
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "application/pdf"];

/// `plain` sealed under `key`: a fresh random nonce, then the ciphertext with its tag.
pub fn seal(key: &PhotoKey, plain: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE];
    getrandom::fill(&mut nonce)
        .map_err(|e| ServiceError::Invalid(format!("无法生成随机数：{e}")))?;
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key.0));
    let sealed = cipher
        .encrypt(Nonce::from_slice(&nonce), plain)
        .map_err(|_| ServiceError::Invalid("身份证明照片加密失败".into()))?;
    let mut out = Vec::with_capacity(NONCE + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// The bytes [`seal`] sealed; an error for a wrong key or altered bytes (the tag fails).
pub fn open(key: &PhotoKey, sealed: &[u8]) -> Result<Vec<u8>> {
    let bad = || StoreError::Backend("身份证明照片无法解密：密钥与加密时不同，或文件已损坏".into());
    if sealed.len() < NONCE {
        return Err(bad().into());
    }
    let (nonce, body) = sealed.split_at(NONCE);
    let cipher = ChaCha20Poly1305::new(Key::from_slice(&key.0));
    Ok(cipher
        .decrypt(Nonce::from_slice(nonce), body)
        .map_err(|_| bad())?)
}

impl<S: Store> Ctx<'_, S> {
    /// The identity-document photo of an online application, decrypted, for those who handle
    /// the agency's requests (others are refused even within the scope: a supervisor sees the
    /// request, not the applicant's identity card). `None` when there is none (or it was
    /// purged).
    pub async fn id_photo<B: Blobs>(
        &self,
        blobs: &B,
        id: RequestId,
    ) -> Result<Option<(Attachment, Vec<u8>)>> {
        let (_, agency, tree) = self.request_in_scope(id).await?;
        self.grant_in(&tree, &agency, Capability::Handle)?;
        let Some(photo) = self.store.application(id).await?.and_then(|a| a.id_photo) else {
            return Ok(None);
        };
        let key = self.settings.id_photo_key.ok_or_else(|| {
            ServiceError::Invalid("未配置 id_photo.key，无法解密身份证明照片".into())
        })?;
        let Some(sealed) = blobs.get(&photo.sha256).await? else {
            return Ok(None);
        };
        let plain = open(&key, &sealed)?;
        Ok(Some((photo, plain)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn sealed_bytes_open_with_the_key_only_and_never_show_the_photo() {
        let key = PhotoKey::new([7u8; 32]);
        let plain = b"\xff\xd8\xff\xe0 JFIF 110105194912310021 photo".to_vec();
        let a = seal(&key, &plain).unwrap();
        let b = seal(&key, &plain).unwrap();
        assert_ne!(a, b, "a fresh nonce each time");
        assert!(!a.windows(18).any(|w| w == b"110105194912310021"));
        assert_eq!(open(&key, &a).unwrap(), plain);
        assert!(open(&PhotoKey::new([8u8; 32]), &a).is_err(), "another key");
        let mut altered = a.clone();
        let last = altered.len() - 1;
        altered[last] ^= 1;
        assert!(open(&key, &altered).is_err(), "altered bytes");
        assert!(open(&key, &a[..5]).is_err());
        assert_eq!(format!("{key:?}"), "PhotoKey(***)");
    }
}
