; Inno Setup script: wraps the PyInstaller folder into a per-user Windows installer.
; Build on Windows after `python installer/build.py`:  iscc /DVersion=0.1.0 installer\windows-installer.iss
; Needs Inno Setup 7.0 or later: the first whose Languages folder has ChineseSimplified.isl (Inno Setup 6
; ships it only as an unofficial translation; with 6.1+ put that ChineseSimplified.isl beside this script).
; Per user ({localappdata}\Programs, no administrator rights); the uninstaller removes the program and
; keeps the ledger and settings in %LOCALAPPDATA%\AftersalesLedger unless the user says to delete them.
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

#if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
  #define ChineseMessages "ChineseSimplified.isl"
#else
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#endif

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
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

[CustomMessages]
chinesesimplified.DeleteData=是否同时删除台账数据（售后单、订单、备份、设置）？%n%n数据在 %1%n选“否”会保留，重新安装后可继续使用。
english.DeleteData=Also delete the ledger data (cases, orders, backups, settings)?%n%nThe data is in %1%nChoose No to keep it for a later installation.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  DataDir := ExpandConstant('{localappdata}\AftersalesLedger');
  if (CurUninstallStep = usPostUninstall) and (not UninstallSilent) and DirExists(DataDir) then
    if MsgBox(FmtMessage(CustomMessage('DeleteData'), [DataDir]), mbConfirmation, MB_YESNO or MB_DEFBUTTON2) = IDYES then
      DelTree(DataDir, True, True, True);
end;
