; Inno Setup script: wraps the PyInstaller folder into a per-user Windows installer.
; Build on Windows after `python installer/build.py`:  iscc /DVersion=0.1.0 installer\windows-installer.iss
; Needs Inno Setup 6.1 or later (ChineseSimplified.isl ships with 6.1+; {localappdata}\Programs per user).
; The uninstaller removes the program only: the ledger and settings in %LOCALAPPDATA%\AftersalesLedger stay.
#ifndef Version
  #define Version "0.1.0"
#endif

[Setup]
AppId={{5B1F6C1E-4E55-4F0B-9C8A-AF7E5A6C7D21}
AppName=售后台账 Aftersales Ledger
AppVersion={#Version}
DefaultDirName={localappdata}\Programs\AftersalesLedger
DefaultGroupName=售后台账
PrivilegesRequired=lowest
OutputBaseFilename=AftersalesLedger-{#Version}-setup
Compression=lzma2
SolidCompression=yes
SetupIconFile=..\resources\icons\aftersales-ledger.ico
UninstallDisplayIcon={app}\AftersalesLedger.exe

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\dist\AftersalesLedger-{#Version}\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\售后台账"; Filename: "{app}\AftersalesLedger.exe"
Name: "{group}\售后台账 命令行"; Filename: "{cmd}"; Parameters: "/k ""{app}\aftersales-cli.exe"" --help"; WorkingDir: "{userdocs}"
Name: "{userdesktop}\售后台账"; Filename: "{app}\AftersalesLedger.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"

[Run]
Filename: "{app}\AftersalesLedger.exe"; Description: "{cm:LaunchProgram,售后台账}"; Flags: nowait postinstall skipifsilent
