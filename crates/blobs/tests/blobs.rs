//! The local blob store and the content check, on real small files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use gongkai_blobs::{AttachmentError, Blobs, Kind, LocalBlobs, attachment, check, sniff};
use gongkai_store::StoreError;
use gongkai_store::blobs::sha256_hex;
use std::io::{Cursor, Write};

/// The backend-independent blob contract of `gongkai_store::conformance`.
#[tokio::test]
async fn local_blobs_conform() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path().join("blobs")).unwrap();
    gongkai_store::conformance::blobs_round_trip(&blobs).await;
}

#[tokio::test]
async fn fan_out_atomic_and_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path().join("b")).unwrap();
    let bytes = "政府信息公开".as_bytes();
    let sha = blobs.put(bytes).await.unwrap();
    assert_eq!(sha, sha256_hex(bytes));
    let path = dir
        .path()
        .join("b")
        .join(&sha[..2])
        .join(&sha[2..4])
        .join(&sha);
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert_eq!(blobs.put(bytes).await.unwrap(), sha);
    // No temporary file left behind in the blob's directory.
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, vec![std::ffi::OsString::from(&sha)]);
    // Opening the directory again finds the blob.
    let again = LocalBlobs::open(dir.path().join("b")).unwrap();
    assert_eq!(again.get(&sha).await.unwrap().unwrap(), bytes);
}

#[tokio::test]
async fn damaged_blob_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobs::open(dir.path()).unwrap();
    let sha = blobs.put(b"original").await.unwrap();
    let path = dir.path().join(&sha[..2]).join(&sha[2..4]).join(&sha);
    std::fs::write(&path, b"tampered").unwrap();
    match blobs.get(&sha).await {
        Err(StoreError::Backend(message)) => assert!(message.contains(&sha), "{message}"),
        other => panic!("expected the damage to be found, got {other:?}"),
    }
}

#[test]
fn missing_parent_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = LocalBlobs::open(dir.path().join("no").join("such")).unwrap_err();
    assert!(matches!(err, StoreError::Backend(_)), "{err:?}");
}

// --- the content check ---

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0d, 0x0a, 0x2d, 0xb4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae,
    0x42, 0x60, 0x82,
];

const JPEG: &[u8] = &[
    0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, b'J', b'F', b'I', b'F', 0x00, 0x01, 0x01, 0x00, 0x00, 0x01,
    0x00, 0x01, 0x00, 0x00, 0xff, 0xd9,
];

const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";

/// The start of a Windows program (DOS header with the PE offset, and the PE signature).
fn exe() -> Vec<u8> {
    let mut b = vec![0u8; 256];
    b[0] = b'M';
    b[1] = b'Z';
    b[0x3c] = 0x80;
    b[0x80..0x84].copy_from_slice(b"PE\0\0");
    b
}

fn elf() -> Vec<u8> {
    let mut b = vec![0u8; 64];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2;
    b[5] = 1;
    b[6] = 1;
    b
}

fn docx() -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    docx_rs::Docx::new()
        .add_paragraph(
            docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text("关于印发方案的通知")),
        )
        .build()
        .pack(&mut out)
        .unwrap();
    out.into_inner()
}

fn xlsx() -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, "索引号").unwrap();
    sheet
        .write_string(1, 0, "11140802MB1962461X/2020-00123")
        .unwrap();
    book.save_to_buffer().unwrap()
}

/// A ZIP with these entries (stored, no compression).
fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in entries {
        w.start_file(*name, options).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap().into_inner()
}

/// An OLE2 compound file header (the magic of DOC, XLS and WPS files) without a CLSID.
fn ole() -> Vec<u8> {
    let mut b = vec![0u8; 1024];
    b[..8].copy_from_slice(&[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    b
}

#[test]
fn accepted_kinds() {
    assert_eq!(sniff(PDF, "附件1.pdf"), Ok(Kind::Pdf));
    assert_eq!(sniff(PNG, "图.PNG"), Ok(Kind::Png));
    assert_eq!(sniff(JPEG, "照片.jpg"), Ok(Kind::Jpeg));
    assert_eq!(sniff(GIF, "动图.gif"), Ok(Kind::Gif));
    assert_eq!(sniff(&docx(), "方案.docx"), Ok(Kind::Docx));
    assert_eq!(sniff(&xlsx(), "目录.xlsx"), Ok(Kind::Xlsx));
    // WPS Office saves OOXML under its own extensions.
    assert_eq!(sniff(&docx(), "方案.wps"), Ok(Kind::Docx));
    assert_eq!(sniff(&ole(), "通知.wps"), Ok(Kind::Wps));
    assert_eq!(sniff(&ole(), "台账.et"), Ok(Kind::Et));
    assert_eq!(sniff(&ole(), "旧通知.doc"), Ok(Kind::Doc));
    let ofd = zip_of(&[("OFD.xml", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<x/>")]);
    assert_eq!(sniff(&ofd, "公文.ofd"), Ok(Kind::Ofd));
    let forms = zip_of(&[("申请表.docx", &docx()), ("说明.txt", "说明".as_bytes())]);
    assert_eq!(sniff(&forms, "表格下载.zip"), Ok(Kind::Zip));
    assert_eq!(
        sniff("政府信息公开申请表\r\n姓名：".as_bytes(), "说明.txt"),
        Ok(Kind::Text)
    );
    let (gbk, _, _) = encoding_rs::GBK.encode("索引号,信息名称\n2020-00001,关于开展工作的通知\n");
    assert!(std::str::from_utf8(&gbk).is_err(), "really GBK");
    assert_eq!(sniff(&gbk, "目录.csv"), Ok(Kind::Text));
    // No extension: the content decides.
    assert_eq!(sniff(PDF, "附件"), Ok(Kind::Pdf));
}

#[test]
fn refused_executables_and_scripts() {
    for (bytes, name) in [(exe(), "报告.pdf"), (elf(), "报告.pdf"), (exe(), "setup")] {
        match sniff(&bytes, name) {
            Err(e @ AttachmentError::Executable { .. }) => {
                assert!(e.to_string().contains(name), "{e}");
            }
            other => panic!("{name}: expected Executable, got {other:?}"),
        }
    }
    assert!(matches!(
        sniff(PDF, "病毒.exe"),
        Err(AttachmentError::Executable { .. })
    ));
    assert!(matches!(
        sniff(b"#!/bin/sh\nrm -rf /\n", "run.txt"),
        Err(AttachmentError::Executable { .. })
    ));
}

#[test]
fn refused_markup() {
    let cases: [(&[u8], &str); 5] = [
        (b"<!DOCTYPE html><html><body>x</body></html>", "页面.txt"),
        (b"<html><script>alert(1)</script></html>", "公告.doc"),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>x</script></svg>",
            "图.png",
        ),
        (
            b"<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
            "图",
        ),
        (PDF, "页面.html"),
    ];
    for (bytes, name) in cases {
        match sniff(bytes, name) {
            Err(e @ AttachmentError::Markup { .. }) => assert!(e.to_string().contains(name)),
            other => panic!("{name}: expected Markup, got {other:?}"),
        }
    }
}

#[test]
fn refused_mismatch_unknown_and_archives() {
    match sniff(PNG, "通知.pdf") {
        Err(e @ AttachmentError::Mismatch { .. }) => {
            let text = e.to_string();
            assert!(text.contains("通知.pdf") && text.contains("PNG"), "{text}");
        }
        other => panic!("expected Mismatch, got {other:?}"),
    }
    assert!(matches!(
        sniff(&xlsx(), "方案.docx"),
        Err(AttachmentError::Mismatch { .. })
    ));
    assert!(matches!(
        sniff(&[0x00, 0x01, 0x02, 0xfe, 0xff, 0x80, 0x81], "数据.bin"),
        Err(AttachmentError::Unknown { .. })
    ));
    assert!(matches!(
        sniff(&ole(), "x.msi"),
        Err(AttachmentError::Executable { .. })
    ));
    assert!(matches!(
        sniff(b"", "空.pdf"),
        Err(AttachmentError::Empty { .. })
    ));
    let bad = zip_of(&[("说明.txt", b"x"), ("tools/setup.exe", &exe())]);
    match sniff(&bad, "表格.zip") {
        Err(AttachmentError::ArchiveEntry { entry, .. }) => assert_eq!(entry, "tools/setup.exe"),
        other => panic!("expected ArchiveEntry, got {other:?}"),
    }
    let macros = zip_of(&[
        ("[Content_Types].xml", b"<Types/>"),
        ("word/document.xml", b"<w:document/>"),
        ("word/vbaProject.bin", b"\x00"),
    ]);
    assert!(matches!(
        sniff(&macros, "方案.docx"),
        Err(AttachmentError::Macros { .. })
    ));
}

#[test]
fn size_limit_and_record() {
    let err = check(PDF, "大文件.pdf", 10).unwrap_err();
    assert!(matches!(err, AttachmentError::TooLarge { limit: 10, .. }));
    assert!(err.to_string().contains("10 字节"), "{err}");
    assert_eq!(check(PDF, "小文件.pdf", PDF.len() as u64), Ok(Kind::Pdf));
    let record = attachment(&xlsx(), "目录.xlsx", gongkai_blobs::DEFAULT_MAX_SIZE).unwrap();
    assert_eq!(record.media_type, Kind::Xlsx.media_type());
    assert_eq!(record.sha256, sha256_hex(&xlsx()));
    assert_eq!(record.name, "目录.xlsx");
    assert_eq!(record.size, xlsx().len() as u64);
}
